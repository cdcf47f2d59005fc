using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

public class NoiseScheduleTests
{
    [Fact]
    public void Linear_betas_follow_the_formula()
    {
        var schedule = new NoiseSchedule(new SchedulerConfig { BetaSchedule = BetaSchedule.Linear, BetaStart = 0.0001, BetaEnd = 0.02 });
        for (int i = 0; i < 1000; i++)
        {
            double expected = 0.0001 + ((0.02 - 0.0001) * i / 999);
            Assert.True(Math.Abs(schedule.Betas[i] - expected) <= 1e-6 * expected, $"beta[{i}]");
        }
    }

    [Fact]
    public void Scaled_linear_betas_and_alphas_cumprod_follow_the_formula()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.StableDiffusion15);
        double product = 1;
        for (int i = 0; i < 1000; i++)
        {
            double root = Math.Sqrt(0.00085) + ((Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * i / 999);
            double beta = root * root;
            product *= 1 - beta;
            Assert.True(Math.Abs(schedule.Betas[i] - beta) <= 1e-6 * beta, $"beta[{i}]");
            Assert.True(Math.Abs(schedule.AlphasCumprod[i] - product) <= 1e-5 * product, $"alphas_cumprod[{i}]");
            double sigma = Math.Sqrt((1 - product) / product);
            Assert.True(Math.Abs(schedule.Sigmas[i] - sigma) <= 1e-3 * sigma, $"sigma[{i}]");
        }

        // SD1.5's well-known extremes: σ_min ≈ 0.0292, σ_max ≈ 14.6146.
        Assert.Equal(0.0292, schedule.Sigmas[0], 4);
        Assert.Equal(14.6146, schedule.Sigmas[^1], 4);
    }

    [Fact]
    public void Squaredcos_cap_v2_betas_follow_the_cosine_alpha_bar()
    {
        var schedule = new NoiseSchedule(new SchedulerConfig { BetaSchedule = BetaSchedule.SquaredCosCapV2 });
        static double F(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        for (int i = 0; i < 1000; i++)
        {
            double expected = Math.Min(1 - (F((i + 1) / 1000.0) / F(i / 1000.0)), 0.999);
            Assert.True(Math.Abs(schedule.Betas[i] - expected) <= 1e-6 * expected, $"beta[{i}]");
        }

        Assert.Equal(0.999f, schedule.Betas[^1]);
    }

    [Fact]
    public void Karras_sigmas_span_max_to_min_with_rho_7()
    {
        double[] sigmas = NoiseSchedule.KarrasSigmas(0.1, 10, 5);
        Assert.Equal(10, sigmas[0], 12);
        Assert.Equal(0.1, sigmas[^1], 12);
        double mid = Math.Pow((Math.Pow(10, 1 / 7.0) + Math.Pow(0.1, 1 / 7.0)) / 2, 7);
        Assert.Equal(mid, sigmas[2], 12);
    }

    [Fact]
    public void Sigma_to_timestep_inverts_the_training_sigmas()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.StableDiffusion15);
        foreach (int t in new[] { 0, 1, 250, 500, 998, 999 })
        {
            Assert.Equal(t, schedule.SigmaToTimestep(schedule.Sigmas[t]), 4);
        }

        double between = Math.Exp((Math.Log(schedule.Sigmas[300]) + Math.Log(schedule.Sigmas[301])) / 2);
        Assert.Equal(300.5, schedule.SigmaToTimestep(between), 4);
    }

    [Theory]
    [InlineData(TimestepSpacing.Leading, 0, new float[] { 750, 500, 250, 0 })]
    [InlineData(TimestepSpacing.Leading, 1, new float[] { 751, 501, 251, 1 })]
    [InlineData(TimestepSpacing.Trailing, 0, new float[] { 999, 749, 499, 249 })]
    [InlineData(TimestepSpacing.Linspace, 0, new float[] { 999, 666, 333, 0 })]
    public void Timestep_spacings_follow_diffusers(TimestepSpacing spacing, int offset, float[] expected)
    {
        var ddim = SchedulerCatalog.Create("ddim", SchedulerConfig.StableDiffusion15 with { TimestepSpacing = spacing, StepsOffset = offset });
        ddim.SetTimesteps(4);
        Assert.Equal(expected, ddim.Timesteps.ToArray());
    }

    [Fact]
    public void Trailing_spacing_rounds_half_to_even_like_numpy()
    {
        // 16 steps: 1000 − 62.5·k → 937.5 rounds to 938, 812.5 to 812.
        var ddim = SchedulerCatalog.Create("ddim", SchedulerConfig.StableDiffusion15 with { TimestepSpacing = TimestepSpacing.Trailing });
        ddim.SetTimesteps(16);
        Assert.Equal(999f, ddim.Timesteps[0]);
        Assert.Equal(937f, ddim.Timesteps[1]);
        Assert.Equal(811f, ddim.Timesteps[3]);
    }
}
