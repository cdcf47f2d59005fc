using System.Globalization;
using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// What every scheduler shares: validation, the inference timestep/sigma arrays, img2img strength (a begin index
/// into the full schedule), in-order stepping, and lazily sized state buffers.
/// </summary>
public abstract class SchedulerBase : IScheduler
{
    private float[] _timesteps = [];
    private float[] _sigmas = [];
    private int _begin;
    private int _nextStep;

    /// <summary>Creates the scheduler and its training noise schedule.</summary>
    /// <param name="name">The stable catalog name.</param>
    /// <param name="config">Settings (validated).</param>
    /// <param name="noise">Random source; required by stochastic schedulers.</param>
    protected SchedulerBase(string name, SchedulerConfig config, INoiseSource? noise)
    {
        ArgumentNullException.ThrowIfNull(config);
        Name = name;
        Config = config;
        Schedule = new NoiseSchedule(config);
        Noise = noise;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public SchedulerConfig Config { get; }

    /// <inheritdoc />
    public NoiseSchedule Schedule { get; }

    /// <summary>The injected random source, if any.</summary>
    protected INoiseSource? Noise { get; }

    /// <inheritdoc />
    public ReadOnlySpan<float> Timesteps => _timesteps.AsSpan(_begin);

    /// <inheritdoc />
    public ReadOnlySpan<float> Sigmas => _sigmas.Length == 0 ? default : _sigmas.AsSpan(_begin);

    /// <inheritdoc />
    public float InitNoiseSigma { get; private set; } = 1f;

    /// <summary>The inference steps requested by the last <see cref="SetTimesteps"/>.</summary>
    public int InferenceSteps { get; private set; }

    /// <summary>Model calls per inference step used to skip steps for img2img (Heun: 2).</summary>
    protected virtual int Order => 1;

    /// <summary>True when the scheduler applies strength itself while building timesteps (LCM).</summary>
    protected virtual bool AppliesStrengthItself => false;

    /// <summary>All timesteps of the current schedule, before the img2img skip.</summary>
    protected float[] FullTimesteps => _timesteps;

    /// <summary>All sigmas of the current schedule, before the img2img skip (one more than calls for most).</summary>
    protected float[] FullSigmas => _sigmas;

    /// <inheritdoc />
    public void SetTimesteps(int steps, float strength = 1f)
    {
        int train = Config.NumTrainTimesteps;
        if (steps < 1 || steps > train)
        {
            throw new FaceStudioValidationException(nameof(steps), string.Create(CultureInfo.InvariantCulture,
                $"Inference steps must be in [1, {train}] (the training timesteps of this schedule); found {steps}."));
        }

        if (!(strength > 0f && strength <= 1f))
        {
            throw new FaceStudioValidationException(nameof(strength), string.Create(CultureInfo.InvariantCulture,
                $"Strength must be in (0, 1]; found {strength}."));
        }

        var (timesteps, sigmas, initSigma) = Build(steps, strength);
        int begin = 0;
        if (!AppliesStrengthItself)
        {
            int initTimestep = Math.Min((int)(steps * strength), steps);
            begin = Math.Max(steps - initTimestep, 0) * Order;
        }

        if (begin >= timesteps.Length)
        {
            throw new FaceStudioValidationException(nameof(strength), string.Create(CultureInfo.InvariantCulture,
                $"Strength {strength} with {steps} steps leaves no step to run; steps × strength must be at least 1."));
        }

        _timesteps = timesteps;
        _sigmas = sigmas;
        _begin = begin;
        InitNoiseSigma = initSigma;
        InferenceSteps = steps;
        Reset();
    }

    /// <inheritdoc />
    public void ScaleModelInput(ReadOnlySpan<float> sample, Span<float> destination, int stepIndex)
    {
        int index = CheckIndex(stepIndex);
        if (destination.Length != sample.Length)
        {
            throw new FaceStudioValidationException(nameof(destination), string.Create(CultureInfo.InvariantCulture,
                $"Destination length must equal the sample length {sample.Length}; found {destination.Length}."));
        }

        ScaleModelInputCore(sample, destination, index);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample)
    {
        int index = CheckIndex(stepIndex);
        if (modelOutput.Length != sample.Length)
        {
            throw new FaceStudioValidationException(nameof(modelOutput), string.Create(CultureInfo.InvariantCulture,
                $"Model output length must equal the sample length {sample.Length}; found {modelOutput.Length}."));
        }

        if (stepIndex != _nextStep)
        {
            throw new FaceStudioException(string.Create(CultureInfo.InvariantCulture,
                $"Scheduler '{Name}' steps must be taken in order: expected step {_nextStep}, found {stepIndex}. Call Reset() to start over."));
        }

        StepCore(modelOutput, index, sample);
        _nextStep++;
    }

    /// <inheritdoc />
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        int index = CheckIndex(stepIndex);
        if (noise.Length != original.Length || destination.Length != original.Length)
        {
            throw new FaceStudioValidationException(nameof(noise), string.Create(CultureInfo.InvariantCulture,
                $"Noise and destination lengths must equal the original length {original.Length}; found {noise.Length} and {destination.Length}."));
        }

        AddNoiseCore(original, noise, index, destination);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _nextStep = 0;
        ResetState();
    }

    /// <summary>Builds the full inference schedule: timesteps per model call, sigmas (or empty), init noise sigma.</summary>
    protected abstract (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength);

    /// <summary>Advances the sample in place; <paramref name="index"/> is into the full schedule.</summary>
    protected abstract void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample);

    /// <summary>Clears multistep history.</summary>
    protected virtual void ResetState()
    {
    }

    /// <summary>Default: the model input is the sample.</summary>
    protected virtual void ScaleModelInputCore(ReadOnlySpan<float> sample, Span<float> destination, int index)
        => sample.CopyTo(destination);

    /// <summary>Default: variance-preserving noising √ᾱₜ·x₀ + √(1−ᾱₜ)·ε at the call's timestep.</summary>
    protected virtual void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int index, Span<float> destination)
    {
        float alphaProd = Schedule.AlphasCumprod[(int)FullTimesteps[index]];
        SchedulerMath.Combine(MathF.Sqrt(alphaProd), original, MathF.Sqrt(1f - alphaProd), noise, destination);
    }

    /// <summary>Returns <paramref name="buffer"/>, (re)allocated only when its length differs from <paramref name="length"/>.</summary>
    protected static float[] EnsureBuffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new float[length];
        }

        return buffer;
    }

    /// <summary>The injected noise source, or a typed error if none was given to this stochastic scheduler.</summary>
    protected INoiseSource RequireNoise() => Noise ?? throw new FaceStudioValidationException("noise", string.Create(CultureInfo.InvariantCulture,
        $"Scheduler '{Name}' with these settings draws noise; create it with an INoiseSource (for example PhiloxNoiseSource)."));

    /// <summary>ᾱ for a timestep; negative timesteps give <paramref name="beforeStart"/>.</summary>
    protected double AlphaProd(int timestep, double beforeStart) => timestep >= 0 ? Schedule.AlphasCumprod[timestep] : beforeStart;

    /// <summary>
    /// Converts an alpha-parameterised model output to (x₀, ε) for ᾱₜ = <paramref name="alphaProd"/>.
    /// </summary>
    protected void PredictOriginalAndEpsilon(ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, double alphaProd, Span<float> x0, Span<float> epsilon)
    {
        double sa = Math.Sqrt(alphaProd);
        double sb = Math.Sqrt(1 - alphaProd);
        switch (Config.PredictionType)
        {
            case PredictionType.Epsilon:
                SchedulerMath.Combine((float)(1 / sa), sample, (float)(-sb / sa), modelOutput, x0);
                modelOutput.CopyTo(epsilon);
                break;
            case PredictionType.Sample:
                modelOutput.CopyTo(x0);
                SchedulerMath.Combine((float)(1 / sb), sample, (float)(-sa / sb), modelOutput, epsilon);
                break;
            default:
                SchedulerMath.Combine((float)sa, sample, (float)(-sb), modelOutput, x0);
                SchedulerMath.Combine((float)sa, modelOutput, (float)sb, sample, epsilon);
                break;
        }
    }

    /// <summary>
    /// Converts a sigma-parameterised (Karras/k-diffusion) model output to x₀ at noise level <paramref name="sigma"/>.
    /// </summary>
    protected void PredictOriginalFromSigma(ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, float sigma, Span<float> x0)
    {
        switch (Config.PredictionType)
        {
            case PredictionType.Epsilon:
                SchedulerMath.Combine(1f, sample, -sigma, modelOutput, x0);
                break;
            case PredictionType.Sample:
                modelOutput.CopyTo(x0);
                break;
            default:
                float s2 = (sigma * sigma) + 1f;
                SchedulerMath.Combine(-sigma / MathF.Sqrt(s2), modelOutput, 1f / s2, sample, x0);
                break;
        }
    }

    /// <summary>Divides by √(σ²+1), the k-diffusion input scaling.</summary>
    protected static void ScaleBySigma(ReadOnlySpan<float> sample, Span<float> destination, float sigma)
        => TensorPrimitives.Divide(sample, MathF.Sqrt((sigma * sigma) + 1f), destination);

    private int CheckIndex(int stepIndex)
    {
        if (_timesteps.Length == 0)
        {
            throw new FaceStudioException($"Scheduler '{Name}' has no timesteps yet; call SetTimesteps first.");
        }

        int count = _timesteps.Length - _begin;
        if (stepIndex < 0 || stepIndex >= count)
        {
            throw new FaceStudioValidationException(nameof(stepIndex), string.Create(CultureInfo.InvariantCulture,
                $"Step index must be in [0, {count - 1}]; found {stepIndex}."));
        }

        return stepIndex + _begin;
    }
}
