using System.Diagnostics;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;

namespace FaceStudio.Benchmarks.Pipeline;

/// <summary>
/// Wraps a denoiser and times every <see cref="IDenoiserSession.Predict"/> from the inside, so the pipeline's own
/// share of a step (scheduler, CFG, copies, checks, progress) is the step time minus the recorded denoiser time.
/// </summary>
/// <remarks>Not thread-safe: one generation at a time. Durations go into a preallocated buffer (no per-step allocation).</remarks>
public sealed class TimingDenoiser(IDenoiser inner, int capacity = 4096) : IDenoiser
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;
    private long _total;

    /// <inheritdoc />
    public DenoiserCapabilities Capabilities => inner.Capabilities;

    /// <summary>Denoiser calls recorded since the last <see cref="Reset"/>.</summary>
    public int Calls => _count;

    /// <summary>Time spent inside the wrapped denoiser since the last <see cref="Reset"/>.</summary>
    public TimeSpan Total => Stopwatch.GetElapsedTime(0, _total);

    /// <summary>Each recorded call in milliseconds (the first <see cref="Calls"/>, up to the capacity).</summary>
    public double[] CallMilliseconds() => [.. _ticks.AsSpan(0, Math.Min(_count, _ticks.Length)).ToArray().Select(t => t * 1000.0 / Stopwatch.Frequency)];

    /// <summary>Forgets everything recorded.</summary>
    public void Reset()
    {
        _count = 0;
        _total = 0;
    }

    /// <inheritdoc />
    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new Session(this, inner.CreateSession(conditioning, latentShape));

    private void Record(long ticks)
    {
        if (_count < _ticks.Length)
        {
            _ticks[_count] = ticks;
        }

        _count++;
        _total += ticks;
    }

    private sealed class Session(TimingDenoiser owner, IDenoiserSession inner) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            long start = Stopwatch.GetTimestamp();
            inner.Predict(sample, timestep, prediction, cancellationToken);
            owner.Record(Stopwatch.GetTimestamp() - start);
        }

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>A denoiser that returns at once with a fixed, finite prediction: what is left of a step is the pipeline's own work.</summary>
public sealed class InstantDenoiser(DenoiserCapabilities capabilities) : IDenoiser
{
    /// <inheritdoc />
    public DenoiserCapabilities Capabilities { get; } = capabilities;

    /// <inheritdoc />
    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new Session();

    private sealed class Session : IDenoiserSession
    {
        // The prediction buffer is left as the guided denoiser hands it over (finite), like a model that writes in place.
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>A text encoder that returns fixed token embeddings at once (the benchmarks time the denoise loop, not CLIP).</summary>
public sealed class FixedTextEncoder(int hiddenSize, int maxTokens = 77) : ITextEncoder
{
    /// <inheritdoc />
    public int HiddenSize => hiddenSize;

    /// <inheritdoc />
    public int MaxTokens => maxTokens;

    /// <inheritdoc />
    public Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var hidden = new FloatTensor(prompts.Count, maxTokens, hiddenSize);
        Span<float> span = hidden.Span;
        for (int i = 0; i < span.Length; i++)
        {
            // Small, varied values so an fp16 model sees ordinary magnitudes.
            span[i] = ((i % 97) - 48) / 480f;
        }

        return Task.FromResult(new TextEncoding(hidden, null));
    }
}

/// <summary>A VAE decoder that keeps the last latents it was given and returns a grey picture at once.</summary>
public sealed class CapturingDecoder(int latentChannels = 4, int downscaleFactor = 8) : ILatentDecoder
{
    /// <summary>The latents of the last decode, as the scheduler left them.</summary>
    public float[] LastLatents { get; private set; } = [];

    /// <inheritdoc />
    public int LatentChannels => latentChannels;

    /// <inheritdoc />
    public int DownscaleFactor => downscaleFactor;

    /// <inheritdoc />
    public float ScalingFactor => 0.18215f;

    /// <inheritdoc />
    public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latents);
        LastLatents = latents.Span.ToArray();
        int[] shape = latents.ShapeArray();
        return Task.FromResult(new FloatTensor(shape[0], 3, shape[2] * downscaleFactor, shape[3] * downscaleFactor));
    }
}
