using FaceStudio.Core.Errors;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

public class SchedulerBehaviourTests
{
    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in SchedulerCatalog.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Unknown_name_throws_listing_known_names()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => SchedulerCatalog.Create("euler-z"));
        Assert.Equal("name", ex.ParameterName);
        Assert.Contains("euler-z", ex.Message, StringComparison.Ordinal);
        foreach (string name in SchedulerCatalog.Names)
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1001)]
    public void Steps_outside_training_range_throw_naming_the_range(int steps)
    {
        var scheduler = SchedulerCatalog.Create("ddim");
        var ex = Assert.Throws<FaceStudioValidationException>(() => scheduler.SetTimesteps(steps));
        Assert.Equal("steps", ex.ParameterName);
        Assert.Contains("[1, 1000]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void Strength_outside_unit_interval_throws_naming_the_range(float strength)
    {
        var scheduler = SchedulerCatalog.Create("euler");
        var ex = Assert.Throws<FaceStudioValidationException>(() => scheduler.SetTimesteps(20, strength));
        Assert.Equal("strength", ex.ParameterName);
        Assert.Contains("(0, 1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Offset_that_pushes_a_timestep_past_training_throws()
    {
        // SD1.5 leading spacing, offset 1: 1000 steps would visit timestep 1000.
        var scheduler = SchedulerCatalog.Create("ddim");
        var ex = Assert.Throws<FaceStudioValidationException>(() => scheduler.SetTimesteps(1000));
        Assert.Contains("[0, 999]", ex.Message, StringComparison.Ordinal);
        scheduler.SetTimesteps(500);
        Assert.Equal(999f, scheduler.Timesteps[0]);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void One_step_and_many_steps_run_to_finite_latents(string name)
    {
        var config = SchedulerConfig.StableDiffusion15 with { StepsOffset = 0 };
        foreach (int steps in new[] { 1, 2, name == "lcm" ? 50 : 999 })
        {
            var scheduler = SchedulerCatalog.Create(name, config, new PhiloxNoiseSource(3));
            scheduler.SetTimesteps(steps);
            var x = new float[64];
            var input = new float[64];
            var output = new float[64];
            new PhiloxNoiseSource(4).NextGaussian(x);
            for (int i = 0; i < scheduler.Timesteps.Length; i++)
            {
                scheduler.ScaleModelInput(x, input, i);
                GoldenTrajectories.Model(input, scheduler.Timesteps[i], output);
                scheduler.Step(output, i, x);
            }

            Assert.All(x, v => Assert.True(float.IsFinite(v), $"{name} with {steps} steps"));
        }
    }

    [Fact]
    public void Lcm_rejects_more_steps_than_its_distillation_schedule()
    {
        var lcm = SchedulerCatalog.Create("lcm", noise: new PhiloxNoiseSource(0));
        var ex = Assert.Throws<FaceStudioValidationException>(() => lcm.SetTimesteps(51));
        Assert.Contains("at most 50", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strength_that_leaves_no_step_throws()
    {
        var scheduler = SchedulerCatalog.Create("ddim");
        Assert.Throws<FaceStudioValidationException>(() => scheduler.SetTimesteps(4, 0.1f));
    }

    [Fact]
    public void Invalid_config_throws_naming_the_setting()
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => SchedulerCatalog.Create("dpmpp-2m", SchedulerConfig.StableDiffusion15 with { SolverOrder = 3 }));
        Assert.Equal("SolverOrder", ex.ParameterName);
        Assert.Contains("1 or 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("euler-a")]
    [InlineData("dpmpp-2m-sde")]
    [InlineData("dpmpp-2m-sde-karras")]
    [InlineData("ddpm")]
    public void Stochastic_scheduler_without_noise_source_throws(string name)
    {
        Assert.True(SchedulerCatalog.IsStochastic(name));
        var ex = Assert.Throws<FaceStudioValidationException>(() => SchedulerCatalog.Create(name));
        Assert.Contains("INoiseSource", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_must_be_taken_in_order()
    {
        var scheduler = SchedulerCatalog.Create("dpmpp-2m");
        scheduler.SetTimesteps(5);
        var x = new float[8];
        var eps = new float[8];
        scheduler.Step(eps, 0, x);
        Assert.Throws<FaceStudioException>(() => scheduler.Step(eps, 2, x));
        scheduler.Reset();
        scheduler.Step(eps, 0, x);
    }

    [Fact]
    public void Step_before_set_timesteps_and_mismatched_lengths_throw()
    {
        var scheduler = SchedulerCatalog.Create("euler");
        Assert.Throws<FaceStudioException>(() => scheduler.Step(new float[4], 0, new float[4]));
        scheduler.SetTimesteps(4);
        Assert.Throws<FaceStudioValidationException>(() => scheduler.Step(new float[3], 0, new float[4]));
        Assert.Throws<FaceStudioValidationException>(() => scheduler.Step(new float[4], 4, new float[4]));
    }

    [Fact]
    public void Stable_diffusion_15_defaults_match_its_scheduler_config()
    {
        var c = SchedulerConfig.StableDiffusion15;
        Assert.Equal(1000, c.NumTrainTimesteps);
        Assert.Equal(0.00085, c.BetaStart);
        Assert.Equal(0.012, c.BetaEnd);
        Assert.Equal(BetaSchedule.ScaledLinear, c.BetaSchedule);
        Assert.Equal(TimestepSpacing.Leading, c.TimestepSpacing);
        Assert.Equal(1, c.StepsOffset);
        Assert.False(c.SetAlphaToOne);
        Assert.False(c.ClipSample);

        // Leading spacing with offset 1: 50 steps visit 981, 961, ..., 1.
        var ddim = SchedulerCatalog.Create("ddim");
        ddim.SetTimesteps(50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)(981 - (20 * i))).ToArray(), ddim.Timesteps.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Every_name_creates_its_scheduler(string name)
    {
        var scheduler = SchedulerCatalog.Create(name.ToUpperInvariant(), noise: new PhiloxNoiseSource(1));
        Assert.Equal(name, scheduler.Name);
        Assert.Equal(name.Contains("karras", StringComparison.Ordinal), scheduler.Config.UseKarrasSigmas);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Steps_allocate_nothing_after_the_first(string name)
    {
        const int length = 2 * 4 * 16 * 16;
        RunLoop(name, length, measureFrom: int.MaxValue); // warm up the JIT
        long allocated = RunLoop(name, length, measureFrom: 1);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Same_seed_gives_same_latents(string name)
    {
        float[] a = FinalLatents(name, seed: 42);
        float[] b = FinalLatents(name, seed: 42);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        if (SchedulerCatalog.IsStochastic(name))
        {
            Assert.NotEqual(a, FinalLatents(name, seed: 43));
        }
    }

    [Fact]
    public void Strength_skips_the_first_part_of_the_schedule()
    {
        var full = SchedulerCatalog.Create("euler");
        full.SetTimesteps(10);
        var img2img = SchedulerCatalog.Create("euler");
        img2img.SetTimesteps(10, 0.6f);
        Assert.Equal(full.Timesteps[4..].ToArray(), img2img.Timesteps.ToArray());
        Assert.Equal(full.Sigmas[4..].ToArray(), img2img.Sigmas.ToArray());

        // Heun makes two calls per step: the skip is twice as long in calls.
        var heunFull = SchedulerCatalog.Create("heun");
        heunFull.SetTimesteps(10);
        var heun = SchedulerCatalog.Create("heun");
        heun.SetTimesteps(10, 0.6f);
        Assert.Equal(heunFull.Timesteps[8..].ToArray(), heun.Timesteps.ToArray());

        // LCM shortens its distillation schedule instead (diffusers semantics): 50·0.5 = 25 candidates, 4 picked.
        var lcm = SchedulerCatalog.Create("lcm", noise: new PhiloxNoiseSource(0));
        lcm.SetTimesteps(4, 0.5f);
        Assert.Equal(new float[] { 499, 379, 259, 139 }, lcm.Timesteps.ToArray());
    }

    [Fact]
    public void Add_noise_uses_the_noise_level_of_the_step()
    {
        var original = new float[] { 0.5f, -1f, 2f };
        var noise = new float[] { 1f, 0.25f, -0.75f };
        var destination = new float[3];

        var ddim = SchedulerCatalog.Create("ddim");
        ddim.SetTimesteps(10, 0.5f);
        ddim.AddNoise(original, noise, 0, destination);
        double alphaProd = ddim.Schedule.AlphasCumprod[(int)ddim.Timesteps[0]];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((Math.Sqrt(alphaProd) * original[i]) + (Math.Sqrt(1 - alphaProd) * noise[i]), destination[i], 5);
        }

        var euler = SchedulerCatalog.Create("euler");
        euler.SetTimesteps(10, 0.5f);
        euler.AddNoise(original, noise, 0, destination);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(original[i] + (euler.Sigmas[0] * noise[i]), destination[i], 5);
        }
    }

    private static long RunLoop(string name, int length, int measureFrom)
    {
        var scheduler = SchedulerCatalog.Create(name, noise: new PhiloxNoiseSource(7));
        scheduler.SetTimesteps(12);
        var x = new float[length];
        var input = new float[length];
        var output = new float[length];
        new PhiloxNoiseSource(3).NextGaussian(x);
        long before = 0;
        for (int i = 0; i < scheduler.Timesteps.Length; i++)
        {
            if (i == measureFrom)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            scheduler.ScaleModelInput(x, input, i);
            for (int j = 0; j < length; j++)
            {
                output[j] = 0.1f * input[j];
            }

            scheduler.Step(output, i, x);
        }

        return measureFrom == int.MaxValue ? 0 : GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static float[] FinalLatents(string name, ulong seed)
    {
        var noise = new PhiloxNoiseSource(seed);
        var scheduler = SchedulerCatalog.Create(name, noise: noise);
        scheduler.SetTimesteps(8);
        var x = new float[256];
        noise.NextGaussian(x);
        for (int j = 0; j < x.Length; j++)
        {
            x[j] *= scheduler.InitNoiseSigma;
        }

        var input = new float[256];
        var output = new float[256];
        for (int i = 0; i < scheduler.Timesteps.Length; i++)
        {
            scheduler.ScaleModelInput(x, input, i);
            GoldenTrajectories.Model(input, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, x);
        }

        return x;
    }
}
