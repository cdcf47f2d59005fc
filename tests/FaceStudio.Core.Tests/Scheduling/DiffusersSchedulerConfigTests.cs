using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

/// <summary>
/// diffusers' <c>from_config</c> semantics of <see cref="DiffusersScheduler.ConfigFor"/>: the file's keys over the
/// chosen class's constructor defaults (diffusers 0.28.2's signatures), then StableDiffusionPipeline's corrections.
/// </summary>
public class DiffusersSchedulerConfigTests
{
    // The scheduler config of the committed tiny real-architecture pack (written for Euler ancestral).
    private const string EulerAncestralFile = """
        {
          "_class_name": "EulerAncestralDiscreteScheduler",
          "num_train_timesteps": 1000,
          "beta_start": 0.00085,
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "prediction_type": "epsilon",
          "steps_offset": 1,
          "timestep_spacing": "leading"
        }
        """;

    [Fact]
    public void A_ddim_request_on_an_euler_config_gets_ddim_defaults_for_the_keys_the_file_leaves_out()
    {
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse(EulerAncestralFile, "test");

        SchedulerConfig ddim = file.ConfigFor(SchedulerCatalog.Ddim);

        Assert.False(file.Config.SetAlphaToOne);             // Euler ancestral has no such setting: the SDK's default
        Assert.True(ddim.SetAlphaToOne);                      // DDIMScheduler(set_alpha_to_one=True)
        Assert.False(ddim.ClipSample);                        // DDIM's default True, corrected to False by StableDiffusionPipeline
        Assert.Equal(TimestepSpacing.Leading, ddim.TimestepSpacing);
        Assert.Equal(0.00085, ddim.BetaStart);
        Assert.Equal(BetaSchedule.ScaledLinear, ddim.BetaSchedule);
        Assert.Equal(1, ddim.StepsOffset);
    }

    [Fact]
    public void Keys_the_file_does_not_set_take_each_class_default_and_pipeline_corrections_apply_to_every_class()
    {
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse("""{"_class_name": "DDIMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}""", "test");

        Assert.Equal(TimestepSpacing.Leading, file.ConfigFor("ddim").TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, file.ConfigFor("euler").TimestepSpacing);   // EulerDiscreteScheduler's default
        Assert.True(file.Config.ClipSample);                                                  // the file's own class, as parsed
        Assert.False(file.ConfigFor("ddim").ClipSample);
        Assert.Equal(0, file.Config.StepsOffset);
        Assert.Equal(1, file.ConfigFor("DDIM").StepsOffset);                                   // names are case-insensitive
        Assert.True(file.ConfigFor(SchedulerCatalog.DpmPlusPlus2MKarras).UseKarrasSigmas);
        Assert.False(file.ConfigFor(SchedulerCatalog.DpmPlusPlus2M).UseKarrasSigmas);
    }

    [Fact]
    public void Keys_listed_in_use_default_values_are_dropped_as_diffusers_drops_them()
    {
        // A config taken from a loaded scheduler's .config: set_alpha_to_one False there was Euler's filler, not a choice.
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse("""
            {"_class_name": "DDIMScheduler", "set_alpha_to_one": false, "timestep_spacing": "trailing",
             "_use_default_values": ["set_alpha_to_one"]}
            """, "test");

        Assert.True(file.Config.SetAlphaToOne);
        Assert.Equal(TimestepSpacing.Trailing, file.Config.TimestepSpacing);
    }

    [Fact]
    public void A_dpm_solver_config_as_diffusers_saves_it_parses_including_its_minus_infinity()
    {
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse("""
            {"_class_name": "DPMSolverMultistepScheduler", "algorithm_type": "dpmsolver++", "solver_type": "midpoint",
             "thresholding": false, "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0,
             "lambda_min_clipped": -Infinity, "variance_type": null, "use_karras_sigmas": true}
            """, "test");

        Assert.Equal(SchedulerCatalog.DpmPlusPlus2MKarras, file.Name);
        Assert.Equal(SchedulerCatalog.DpmPlusPlus2MKarras, DiffusersSchedulerConfig.Parse(
            """{"_class_name": "DPMSolverMultistepScheduler", "use_karras_sigmas": true, "lambda_min_clipped": "-inf"}""", "test").Name);
        // Another class's keys are ignored when another scheduler is built from this file, as from_config ignores them.
        Assert.Equal(TimestepSpacing.Linspace, file.ConfigFor(SchedulerCatalog.Euler).TimestepSpacing);
        var error = Assert.Throws<FaceStudioValidationException>(() => DiffusersSchedulerConfig.Parse(
            """{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -5.0}""", "test"));
        Assert.Contains("lambda_min_clipped", error.Message);
    }

    [Fact]
    public void A_name_outside_the_catalog_is_a_typed_error_naming_the_catalog()
    {
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse(EulerAncestralFile, "test");

        var error = Assert.Throws<FaceStudioValidationException>(() => file.ConfigFor("my-scheduler"));
        Assert.Contains("my-scheduler", error.Message);
        Assert.Contains(SchedulerCatalog.Ddim, error.Message);
    }

    [Fact]
    public void The_builder_keeps_the_diffusers_config_and_a_plain_config_replaces_it()
    {
        DiffusersScheduler file = DiffusersSchedulerConfig.Parse(EulerAncestralFile, "test");
        var builder = new FaceStudioPipelineBuilder().UseSchedulerConfig(file);

        Assert.Same(file, builder.DiffusersScheduler);
        Assert.Equal(file.Config, builder.SchedulerConfig);
        builder.UseSchedulerConfig(SchedulerConfig.StableDiffusion15);
        Assert.Null(builder.DiffusersScheduler);
    }
}
