using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

/// <summary>
/// Expectations from diffusers' own tests/schedulers suite (test_scheduler_*.py, diffusers 0.40.0.dev0), with its
/// deterministic <c>dummy_sample_deter</c>, <c>dummy_noise_deter</c> and <c>dummy_model</c> (x·t/(t+1)) and its tolerances.
/// </summary>
public class DiffusersSuiteTests
{
    private const int Count = 4 * 3 * 8 * 8;

    // DDIM: get_scheduler_config() = linear 1e-4..2e-2, 1000 steps, clip_sample=True; full_loop: 10 steps, η = 0.
    [Theory]
    [InlineData(PredictionType.Epsilon, 0.0001, null, 172.0067, 0.223967)] // test_full_loop_no_noise
    [InlineData(PredictionType.VPrediction, 0.0001, null, 52.5302, 0.0684)] // test_full_loop_with_v_prediction
    [InlineData(PredictionType.Epsilon, 0.01, true, 149.8295, 0.1951)] // test_full_loop_with_set_alpha_to_one
    [InlineData(PredictionType.Epsilon, 0.01, false, 149.0784, 0.1941)] // test_full_loop_with_no_set_alpha_to_one
    public void Ddim_full_loop(PredictionType prediction, double betaStart, bool? setAlphaToOne, double expectedSum, double expectedMean)
    {
        var config = GoldenTrajectories.Defaults("DDIMScheduler") with { PredictionType = prediction, BetaStart = betaStart };
        if (setAlphaToOne is bool one)
        {
            config = config with { SetAlphaToOne = one };
        }

        var result = RunLoop(SchedulerCatalog.Create("ddim", config), 10, 1f, kDiffusionStyle: false, withNoise: false);
        AssertDiffusers(result, expectedSum, expectedMean, 1e-2);
    }

    [Fact]
    public void Ddim_full_loop_with_noise() // test_full_loop_with_noise: t_start 8 of 10
    {
        var result = RunLoop(SchedulerCatalog.Create("ddim", GoldenTrajectories.Defaults("DDIMScheduler")), 10, 0.2f, kDiffusionStyle: false, withNoise: true);
        AssertDiffusers(result, 354.5418, 0.4616, 1e-2);
    }

    // Euler/LMS/Heun: 1100 training steps, linear 1e-4..2e-2, 10 steps, k-diffusion loop (the scaled sample is stepped).
    [Theory]
    [InlineData("euler", PredictionType.Epsilon, false, 10.0807, 0.0131, 1e-2)] // test_full_loop_no_noise
    [InlineData("euler", PredictionType.VPrediction, false, 0.0002, 2.2676e-06, 1e-2)] // test_full_loop_with_v_prediction
    [InlineData("euler", PredictionType.Epsilon, true, 124.52299499511719, 0.16213932633399963, 1e-2)] // test_full_loop_device_karras_sigmas
    [InlineData("lms", PredictionType.Epsilon, false, 1006.388, 1.31, 1e-2)] // test_full_loop_no_noise
    [InlineData("lms", PredictionType.VPrediction, false, 0.0017, 2.2676e-06, 1e-2)] // test_full_loop_with_v_prediction
    [InlineData("lms", PredictionType.Epsilon, true, 3812.9927, 4.9648, 2e-2)] // test_full_loop_device_karras_sigmas
    [InlineData("heun", PredictionType.Epsilon, false, 0.1233, 0.0002, 1e-2)] // test_full_loop_no_noise
    [InlineData("heun", PredictionType.VPrediction, false, 4.6934e-07, 6.1112e-10, 1e-2)] // test_full_loop_with_v_prediction
    public void KDiffusion_full_loop(string name, PredictionType prediction, bool karras, double expectedSum, double expectedMean, double sumTolerance)
    {
        var config = GoldenTrajectories.Defaults("EulerDiscreteScheduler") with
        {
            NumTrainTimesteps = 1100,
            PredictionType = prediction,
            UseKarrasSigmas = karras,
        };
        var result = RunLoop(SchedulerCatalog.Create(name, config), 10, 1f, kDiffusionStyle: true, withNoise: false);
        AssertDiffusers(result, expectedSum, expectedMean, sumTolerance);
    }

    [Fact]
    public void Euler_full_loop_with_noise() // test_full_loop_with_noise: t_start 8 of 10
    {
        var config = GoldenTrajectories.Defaults("EulerDiscreteScheduler") with { NumTrainTimesteps = 1100 };
        var result = RunLoop(SchedulerCatalog.Create("euler", config), 10, 0.2f, kDiffusionStyle: true, withNoise: true);
        AssertDiffusers(result, 57062.9297, 74.3007, 1e-2);
    }

    // DPM-Solver++: order 2, midpoint, lower_order_final=False, final_sigmas_type="sigma_min"; 10 steps.
    [Theory]
    [InlineData(PredictionType.Epsilon, false, 0.3301)] // test_full_loop_no_noise
    [InlineData(PredictionType.VPrediction, false, 0.2251)] // test_full_loop_with_v_prediction
    [InlineData(PredictionType.VPrediction, true, 0.2096)] // test_full_loop_with_karras_and_v_prediction
    public void DpmSolver_full_loop(PredictionType prediction, bool karras, double expectedMean)
    {
        var config = DpmConfig() with { PredictionType = prediction, UseKarrasSigmas = karras };
        var result = RunLoop(SchedulerCatalog.Create("dpmpp-2m", config), 10, 1f, kDiffusionStyle: false, withNoise: false);
        Assert.True(Math.Abs(result.Mean - expectedMean) < 1e-3, $"mean {result.Mean} vs {expectedMean}");
    }

    [Fact]
    public void DpmSolver_full_loop_with_noise() // test_full_loop_with_noise: t_start 5 of 10
    {
        var result = RunLoop(SchedulerCatalog.Create("dpmpp-2m", DpmConfig()), 10, 0.5f, kDiffusionStyle: false, withNoise: true);
        AssertDiffusers(result, 318.4111, 0.4146, 1e-2);
    }

    // UniPC: order 2, bh2, final_sigmas_type="sigma_min"; 10 steps.
    [Theory]
    [InlineData(PredictionType.Epsilon, false, 0.2464)] // test_full_loop_no_noise
    [InlineData(PredictionType.Epsilon, true, 0.2925)] // test_full_loop_with_karras
    [InlineData(PredictionType.VPrediction, false, 0.1014)] // test_full_loop_with_v_prediction
    [InlineData(PredictionType.VPrediction, true, 0.1966)] // test_full_loop_with_karras_and_v_prediction
    public void UniPc_full_loop(PredictionType prediction, bool karras, double expectedMean)
    {
        var config = UniPcConfig() with { PredictionType = prediction, UseKarrasSigmas = karras };
        var result = RunLoop(SchedulerCatalog.Create("unipc", config), 10, 1f, kDiffusionStyle: false, withNoise: false);
        Assert.True(Math.Abs(result.Mean - expectedMean) < 1e-3, $"mean {result.Mean} vs {expectedMean}");
    }

    [Fact]
    public void UniPc_full_loop_with_noise() // test_full_loop_with_noise: t_start 8 of 10
    {
        var result = RunLoop(SchedulerCatalog.Create("unipc", UniPcConfig()), 10, 0.2f, kDiffusionStyle: false, withNoise: true);
        AssertDiffusers(result, 315.5757, 0.4109, 1e-2);
    }

    private static SchedulerConfig DpmConfig() => GoldenTrajectories.Defaults("DPMSolverMultistepScheduler") with
    {
        SolverOrder = 2,
        LowerOrderFinal = false,
        FinalSigmas = FinalSigmas.SigmaMin,
    };

    private static SchedulerConfig UniPcConfig() => GoldenTrajectories.Defaults("UniPCMultistepScheduler") with
    {
        SolverOrder = 2,
        FinalSigmas = FinalSigmas.SigmaMin,
    };

    private static void AssertDiffusers((double Sum, double Mean) result, double expectedSum, double expectedMean, double sumTolerance)
    {
        Assert.True(Math.Abs(result.Sum - expectedSum) < sumTolerance, $"sum |x| {result.Sum} vs {expectedSum}");
        Assert.True(Math.Abs(result.Mean - expectedMean) < 1e-3, $"mean |x| {result.Mean} vs {expectedMean}");
    }

    /// <summary>dummy_sample_deter / dummy_noise_deter: element i holds i/768, noise (767 − i)/768 at the same position.</summary>
    private static (double Sum, double Mean) RunLoop(IScheduler scheduler, int steps, float strength, bool kDiffusionStyle, bool withNoise)
    {
        scheduler.SetTimesteps(steps, strength);
        var sample = new float[Count];
        var noise = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            sample[i] = i / 768f;
            noise[i] = (767 - i) / 768f;
        }

        if (kDiffusionStyle)
        {
            Scale(sample, scheduler.InitNoiseSigma);
        }

        if (withNoise)
        {
            scheduler.AddNoise(sample, noise, 0, sample);
        }

        var output = new float[Count];
        for (int i = 0; i < scheduler.Timesteps.Length; i++)
        {
            float t = scheduler.Timesteps[i];
            if (kDiffusionStyle)
            {
                // The suite's loop re-assigns the scaled input to `sample` before stepping.
                scheduler.ScaleModelInput(sample, sample, i);
            }

            for (int j = 0; j < Count; j++)
            {
                output[j] = sample[j] * t / (t + 1f);
            }

            scheduler.Step(output, i, sample);
        }

        double sum = sample.Sum(v => Math.Abs((double)v));
        return (sum, sum / Count);
    }

    private static void Scale(float[] values, float factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}
