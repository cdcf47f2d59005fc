using FaceStudio.Core.Denoising;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;

namespace FaceStudio.Onnx.Tests.Pipeline;

/// <summary>
/// One demo pack per test class, generated into a temporary folder, with a pipeline built on it. These tests exercise
/// pipeline mechanics with square "faces" and 512-d embeddings, so the pack carries the random SCRFD/ArcFace graphs
/// (<see cref="DemoFaceModels.Random"/>), which find faces on any saturated square; the default demo pack's real face
/// models are tested in Faces/ and Packs/.
/// </summary>
public sealed class DemoPackFixture : IDisposable
{
    private readonly TestFolder _folder = new();

    private readonly Lazy<FaceStudioPipeline> _defaultDemo;

    public DemoPackFixture()
    {
        Pack = DemoPack.Create(_folder.File("pack"), faces: DemoFaceModels.Random);
        Pipeline = new FaceStudioPipelineBuilder().UseModelPack(Pack).Build();
        _defaultDemo = new(() => new FaceStudioPipelineBuilder().UseModelPack(DemoPack.Create(_folder.File("default-pack"))).Build());
    }

    /// <summary>A pipeline over a default demo pack (shipped face models, default seed), made on first use.</summary>
    public FaceStudioPipeline DefaultDemoPipeline => _defaultDemo.Value;

    public ModelPack Pack { get; }

    /// <summary>A pipeline over <see cref="Pack"/> with default options.</summary>
    public FaceStudioPipeline Pipeline { get; }

    /// <summary>Path of a new, empty folder inside the fixture's temporary folder.</summary>
    public string NewFolder()
    {
        string path = _folder.File(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        if (_defaultDemo.IsValueCreated)
        {
            _defaultDemo.Value.Dispose();
        }

        _folder.Dispose();
    }
}

/// <summary>Pictures and requests shared by the pipeline and DI tests.</summary>
internal static class PipelineTestKit
{
    /// <summary>A small fast text-to-image request.</summary>
    public static GenerationRequest Request(long seed, int width = 64, int height = 64, int steps = 4) => new()
    {
        Prompt = "a portrait photo of a person",
        Width = width,
        Height = height,
        Steps = steps,
        Seed = seed,
    };

    /// <summary>A unit-length identity (512-d unless <paramref name="dimension"/> says otherwise) whose direction depends on <paramref name="salt"/>.</summary>
    public static IdentityEmbedding Embedding(int salt, int dimension = 512)
    {
        var v = new float[dimension];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Sin((i + 1) * (salt + 1) * 0.37f);
        }

        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return IdentityEmbedding.FromVector(v.Select(x => x / norm).ToArray());
    }

    /// <summary>
    /// A grey photo with one saturated square. The random demo detector's heads fire on saturated colours and not on
    /// mid grey (checked by the tests that use it), so the square is where the "face" is.
    /// </summary>
    public static RgbImage Photo(int size, int x0, int y0, int side, (byte R, byte G, byte B) colour) =>
        FaceStudio.TestSupport.SquarePhoto.Make(size, x0, y0, side, colour);

    /// <summary>A smooth colour gradient (style / init image).</summary>
    public static RgbImage Gradient(int width, int height, int phase)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                row[x * 3] = (byte)((x * 255 / Math.Max(1, width - 1)) ^ phase);
                row[(x * 3) + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                row[(x * 3) + 2] = (byte)(phase * 37);
            }
        }

        return image;
    }
}

/// <summary>Calls back on the reporting thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
internal sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value) => report(value);
}

/// <summary>Counts calls into a real text encoder.</summary>
internal sealed class CountingTextEncoder(ITextEncoder inner) : ITextEncoder
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public int HiddenSize => inner.HiddenSize;

    public int MaxTokens => inner.MaxTokens;

    public Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return inner.EncodeAsync(prompts, cancellationToken);
    }
}

/// <summary>Counts calls into a real VAE decoder.</summary>
internal sealed class CountingDecoder(ILatentDecoder inner) : ILatentDecoder
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public int LatentChannels => inner.LatentChannels;

    public int DownscaleFactor => inner.DownscaleFactor;

    public float ScalingFactor => inner.ScalingFactor;

    public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return inner.DecodeAsync(latents, cancellationToken);
    }
}

/// <summary>A caller's own decoder: every pixel white, whatever the latents; remembers what it saw.</summary>
internal sealed class WhiteDecoder : ILatentDecoder, IDisposable
{
    public int LatentChannels => 4;

    public int DownscaleFactor => 8;

    public float ScalingFactor => 0.18215f;

    public List<int[]> Shapes { get; } = [];

    public bool Disposed { get; private set; }

    public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        Shapes.Add(latents.ShapeArray());
        var pixels = new FloatTensor(1, 3, latents.Dim(2) * 8, latents.Dim(3) * 8);
        pixels.Span.Fill(1f);
        return Task.FromResult(pixels);
    }

    public void Dispose() => Disposed = true;
}

/// <summary>A real denoiser whose sessions cancel the request right before their k-th ONNX run.</summary>
internal sealed class CancelInsideRunDenoiser(IDenoiser inner, CancellationTokenSource cts, int cancelAtCall) : IDenoiser
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public DenoiserCapabilities Capabilities => inner.Capabilities;

    private void BeforeRun()
    {
        if (Interlocked.Increment(ref _calls) == cancelAtCall)
        {
            cts.Cancel();
        }
    }

    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) =>
        new Session(this, inner.CreateSession(conditioning, latentShape));

    private sealed class Session(CancelInsideRunDenoiser owner, IDenoiserSession inner) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            owner.BeforeRun();
            inner.Predict(sample, timestep, prediction, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
