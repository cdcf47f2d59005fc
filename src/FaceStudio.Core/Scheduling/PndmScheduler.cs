using System.Numerics.Tensors;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// PNDM in its PLMS form (Liu et al., 2022; diffusers <c>PNDMScheduler</c> with <c>skip_prk_steps=True</c>):
/// linear multistep on ε with up to four past outputs. n inference steps take n + 1 model calls (the second
/// timestep repeats).
/// </summary>
public sealed class PndmScheduler : SchedulerBase
{
    private readonly float[]?[] _ets = new float[4][];
    private int _etsCount;
    private int _counter;
    private float[]? _currentSample;
    private float[]? _combined;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings; prediction type epsilon or v_prediction.</param>
    public PndmScheduler(SchedulerConfig config)
        : base(SchedulerCatalog.Pndm, config, null)
    {
        if (config.PredictionType == PredictionType.Sample)
        {
            throw new FaceStudioValidationException(nameof(config.PredictionType),
                "PNDM supports prediction type epsilon or v_prediction; found sample.");
        }
    }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        double[] descending = TimestepLayouts.Integer(Config, steps);
        if (descending.Length < 2)
        {
            return (TimestepLayouts.ToFloat(descending), [], 1f);
        }

        // PLMS order: the second timestep is visited twice (warm-up of the multistep history).
        var plms = new double[descending.Length + 1];
        plms[0] = descending[0];
        plms[1] = descending[1];
        plms[2] = descending[1];
        Array.Copy(descending, 2, plms, 3, descending.Length - 2);
        return (TimestepLayouts.ToFloat(plms), [], 1f);
    }

    /// <inheritdoc />
    protected override void ResetState()
    {
        _etsCount = 0;
        _counter = 0;
    }

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        for (int i = 0; i < _ets.Length; i++)
        {
            EnsureBuffer(ref _ets[i], sample.Length);
        }

        int ratio = Config.NumTrainTimesteps / InferenceSteps;
        int t = (int)FullTimesteps[index];
        int prev = t - ratio;
        if (_counter != 1)
        {
            PushEt(modelOutput);
        }
        else
        {
            prev = t;
            t += ratio;
        }

        float[] combined = EnsureBuffer(ref _combined, sample.Length);
        float[] current = EnsureBuffer(ref _currentSample, sample.Length);
        bool useSavedSample = false;
        if (_etsCount == 1 && _counter == 0)
        {
            modelOutput.CopyTo(combined);
            sample.CopyTo(current);
        }
        else if (_etsCount == 1 && _counter == 1)
        {
            TensorPrimitives.Add(modelOutput, Et(1), combined);
            TensorPrimitives.Multiply(combined, 0.5f, combined);
            useSavedSample = true;
        }
        else if (_etsCount == 2)
        {
            SchedulerMath.Combine(1.5f, Et(1), -0.5f, Et(2), combined);
        }
        else if (_etsCount == 3)
        {
            SchedulerMath.Combine(23f / 12f, Et(1), -16f / 12f, Et(2), combined);
            SchedulerMath.AddScaled(combined, 5f / 12f, Et(3));
        }
        else
        {
            SchedulerMath.Combine(55f / 24f, Et(1), -59f / 24f, Et(2), combined);
            SchedulerMath.AddScaled(combined, 37f / 24f, Et(3));
            SchedulerMath.AddScaled(combined, -9f / 24f, Et(4));
        }

        if (useSavedSample)
        {
            current.CopyTo(sample);
        }

        PreviousSample(sample, t, prev, combined);
        _counter++;
    }

    private float[] Et(int fromNewest) => _ets[_etsCount - fromNewest]!;

    private void PushEt(ReadOnlySpan<float> modelOutput)
    {
        if (_etsCount == 4)
        {
            float[] oldest = _ets[0]!;
            Array.Copy(_ets, 1, _ets, 0, 3);
            _ets[3] = oldest;
            _etsCount = 3;
        }

        float[] slot = EnsureBuffer(ref _ets[_etsCount], modelOutput.Length);
        modelOutput.CopyTo(slot);
        _etsCount++;
    }

    private void PreviousSample(Span<float> sample, int t, int prev, float[] modelOutput)
    {
        double finalAlpha = Config.SetAlphaToOne ? 1.0 : Schedule.AlphasCumprod[0];
        double alphaProd = Schedule.AlphasCumprod[t];
        double alphaPrev = AlphaProd(prev, finalAlpha);
        double betaProd = 1 - alphaProd;
        double betaPrev = 1 - alphaPrev;
        if (Config.PredictionType == PredictionType.VPrediction)
        {
            SchedulerMath.Combine((float)Math.Sqrt(alphaProd), modelOutput, (float)Math.Sqrt(betaProd), sample, modelOutput);
        }

        double sampleCoefficient = Math.Sqrt(alphaPrev / alphaProd);
        double denominator = (alphaProd * Math.Sqrt(betaPrev)) + Math.Sqrt(alphaProd * betaProd * alphaPrev);
        SchedulerMath.Combine((float)sampleCoefficient, sample, (float)(-(alphaPrev - alphaProd) / denominator), modelOutput, sample);
    }
}
