using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Style;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Pipeline;

/// <summary>Small in-memory models with known functions, so pipeline behaviour can be checked exactly.</summary>
internal static class PipelineFakes
{
    public const int Tokens = 8;
    public const int Dim = 16;

    public static FaceStudioPipelineBuilder Builder(FakeDenoiser? denoiser = null, FakeTextEncoder? text = null, bool withProjector = false)
    {
        var b = new FaceStudioPipelineBuilder()
            .UseTextEncoder(text ?? new FakeTextEncoder())
            .UseDenoiser(denoiser ?? new FakeDenoiser())
            .UseLatentDecoder(new FakeDecoder());
        if (withProjector)
        {
            // Face-only projector: K = 2 tokens of width Dim from 512-d embeddings (a fixed pattern of weights).
            int k = 2, f = 512;
            var w = new float[k * Dim * f];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = MathF.Sin(i * 0.37f) * 0.05f;
            }

            b.UseGuidanceProjector(new LinearGuidanceProjector(w, null, f, 0, k, Dim));
        }

        return b;
    }

    public static float[] UnitEmbedding(int seed)
    {
        var v = new float[512];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Cos((i + 1) * (seed + 1) * 0.013f);
        }

        float n = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, n, v);
        return v;
    }
}

/// <summary>Embeds each character code as a smooth pattern; counts calls.</summary>
internal sealed class FakeTextEncoder : ITextEncoder
{
    private int _calls;

    public int Calls => _calls;

    public int HiddenSize => PipelineFakes.Dim;

    public int MaxTokens => PipelineFakes.Tokens;

    public Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        int t = PipelineFakes.Tokens, d = PipelineFakes.Dim;
        var hidden = new FloatTensor(prompts.Count, t, d);
        for (int b = 0; b < prompts.Count; b++)
        {
            string p = prompts[b];
            for (int i = 0; i < t; i++)
            {
                int c = i < p.Length ? p[i] : 0;
                for (int j = 0; j < d; j++)
                {
                    hidden.Buffer[(((b * t) + i) * d) + j] = MathF.Sin((c * 0.1f) + (j * 0.3f)) * 0.5f;
                }
            }
        }

        return Task.FromResult(new TextEncoding(hidden, null));
    }
}

/// <summary>
/// ε(x, t, c) = 0.1·x + 0.01·mean(c) per row: a position-wise function of its inputs, so rows are independent.
/// Optional hooks let tests block a call (cancellation) or return NaN.
/// </summary>
internal sealed class FakeDenoiser : IDenoiser
{
    private int _calls;
    private int _sessions;

    public int Calls => _calls;

    public int Sessions => _sessions;

    public Func<int, CancellationToken, bool>? BeforeCall { get; set; }

    public bool ReturnNaN { get; set; }

    public List<int> BatchSizes { get; } = [];

    public DenoiserCapabilities Capabilities { get; init; } = new() { LatentChannels = 4, ContextDim = PipelineFakes.Dim };

    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape)
    {
        Interlocked.Increment(ref _sessions);
        lock (BatchSizes)
        {
            BatchSizes.Add(latentShape.Batch);
        }

        return new Session(this, conditioning, latentShape);
    }

    private sealed class Session(FakeDenoiser owner, DenoiserConditioning conditioning, LatentShape shape) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            int call = Interlocked.Increment(ref owner._calls);
            if (owner.BeforeCall?.Invoke(call, cancellationToken) == true)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int per = shape.Channels * shape.Height * shape.Width;
            FloatTensor ctx = conditioning.EncoderHiddenStates;
            int ctxPer = ctx.Length / ctx.Dim(0);
            for (int b = 0; b < shape.Batch; b++)
            {
                float mean = System.Numerics.Tensors.TensorPrimitives.Sum(ctx.Span.Slice(b * ctxPer, ctxPer)) / ctxPer;
                for (int i = 0; i < per; i++)
                {
                    prediction[(b * per) + i] = owner.ReturnNaN ? float.NaN : (0.1f * sample[(b * per) + i]) + (0.01f * mean);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Nearest-neighbour ×8 upsampling of channels 0..2 through tanh.</summary>
internal sealed class FakeDecoder : ILatentDecoder
{
    public int LatentChannels => 4;

    public int DownscaleFactor => 8;

    public float ScalingFactor => 0.18215f;

    public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        int h = latents.Dim(2), w = latents.Dim(3);
        var image = new FloatTensor(1, 3, h * 8, w * 8);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < h * 8; y++)
            {
                for (int x = 0; x < w * 8; x++)
                {
                    image.Buffer[(((c * h * 8) + y) * w * 8) + x] = MathF.Tanh(latents.Buffer[(((c * h) + (y / 8)) * w) + (x / 8)]);
                }
            }
        }

        return Task.FromResult(image);
    }
}

/// <summary>Records progress synchronously, in order (unlike Progress&lt;T&gt;, which posts).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    public List<T> Items { get; } = [];

    public void Report(T value)
    {
        lock (Items)
        {
            Items.Add(value);
        }
    }
}

/// <summary>VAE encoder fake: channel c of latent cell (y, x) is the mean of the 8×8 block of colour channel c mod 3; counts calls.</summary>
internal sealed class FakeEncoder(int latentChannels = 4, int downscaleFactor = 8) : ILatentEncoder
{
    private int _calls;

    public int Calls => _calls;

    public int LatentChannels => latentChannels;

    public int DownscaleFactor => downscaleFactor;

    public float ScalingFactor => 0.18215f;

    public Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        int f = downscaleFactor, h = images.Dim(2) / f, w = images.Dim(3) / f, width = images.Dim(3), plane = images.Dim(2) * width;
        var latents = new FloatTensor(1, latentChannels, h, w);
        for (int c = 0; c < latentChannels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float sum = 0;
                    for (int dy = 0; dy < f; dy++)
                    {
                        for (int dx = 0; dx < f; dx++)
                        {
                            sum += images.Buffer[((c % 3) * plane) + (((y * f) + dy) * width) + (x * f) + dx];
                        }
                    }

                    latents.Buffer[(((c * h) + y) * w) + x] = sum / (f * f);
                }
            }
        }

        return Task.FromResult(latents);
    }
}

/// <summary>Style encoder fake: a constant embedding of the given size; counts calls.</summary>
internal sealed class FakeImageEncoder(int embeddingSize) : IStyleEncoder
{
    private int _calls;

    public int Calls => _calls;

    public int EmbeddingSize => embeddingSize;

    public Task<StyleEncoding> EncodeAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var embeds = new FloatTensor(images.Count, embeddingSize);
        Array.Fill(embeds.Buffer, 0.1f);
        return Task.FromResult(new StyleEncoding(embeds, null));
    }
}
