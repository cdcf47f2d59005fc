using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

/// <summary>Reads the diffusers reference trajectory file (format: ../shared/golden/README.md).</summary>
internal static class GoldenTrajectories
{
    public const string EnvironmentVariable = "FACESTUDIO_SCHEDULER_TRAJECTORIES";
    private const string RelativeDefault = "../shared/golden/scheduler-trajectories.json";
    private static readonly Lazy<(string? Path, JsonDocument? Document)> Loaded = new(Load);

    public static string? FilePath => Loaded.Value.Path;

    public static JsonElement Root => Loaded.Value.Document?.RootElement
        ?? throw new InvalidOperationException($"Golden trajectory file not found at '{FilePath ?? "(no repository root found)"}': set {EnvironmentVariable} or provide {RelativeDefault} next to the repository root.");

    public static IEnumerable<string> CaseNames()
    {
        if (Loaded.Value.Document is null)
        {
            // A missing file is a failure, not a skip.
            return ["<golden file missing>"];
        }

        return Root.GetProperty("cases").EnumerateObject().Select(p => p.Name).ToList();
    }

    public static JsonElement Case(string name) => Root.GetProperty("cases").GetProperty(name);

    private static (string?, JsonDocument?) Load()
    {
        string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = FindDefault();
        }

        if (path is null || !File.Exists(path))
        {
            return (path, null);
        }

        return (path, JsonDocument.Parse(File.ReadAllText(path)));
    }

    private static string? FindDefault()
    {
        // Walk up from the test binaries to the repository root (the folder with Directory.Build.props).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, RelativeDefault));
            }
        }

        return null;
    }

    /// <summary>The analytic model of the file: eps(x,t) = 0.5·x·cos(t/1000) + 0.2·sin(3x + t/250).</summary>
    public static void Model(ReadOnlySpan<float> x, double t, Span<float> output)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            output[i] = (float)((0.5 * v * Math.Cos(t / 1000.0)) + (0.2 * Math.Sin((3 * v) + (t / 250.0))));
        }
    }

    /// <summary>x0[i] = 0.9·sin(0.37·i) + 0.3·cos(0.11·i).</summary>
    public static float[] InitialLatents(int count)
    {
        var x0 = new float[count];
        for (int i = 0; i < count; i++)
        {
            x0[i] = (float)((0.9 * Math.Sin(0.37 * i)) + (0.3 * Math.Cos(0.11 * i)));
        }

        return x0;
    }

    /// <summary>Maps a diffusers class + config + step kwargs to a catalog name and config; throws for anything unsupported.</summary>
    public static (string Name, SchedulerConfig Config) Map(string className, JsonElement config, JsonElement stepKwargs)
    {
        var c = Defaults(className);
        string? algorithm = null;
        foreach (var property in config.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "num_train_timesteps": c = c with { NumTrainTimesteps = v.GetInt32() }; break;
                case "beta_start": c = c with { BetaStart = v.GetDouble() }; break;
                case "beta_end": c = c with { BetaEnd = v.GetDouble() }; break;
                case "beta_schedule":
                    c = c with
                    {
                        BetaSchedule = v.GetString() switch
                        {
                            "linear" => BetaSchedule.Linear,
                            "scaled_linear" => BetaSchedule.ScaledLinear,
                            "squaredcos_cap_v2" => BetaSchedule.SquaredCosCapV2,
                            var other => throw Unsupported(property.Name, other),
                        },
                    };
                    break;
                case "timestep_spacing":
                    c = c with
                    {
                        TimestepSpacing = v.GetString() switch
                        {
                            "leading" => TimestepSpacing.Leading,
                            "trailing" => TimestepSpacing.Trailing,
                            "linspace" => TimestepSpacing.Linspace,
                            var other => throw Unsupported(property.Name, other),
                        },
                    };
                    break;
                case "prediction_type":
                    c = c with
                    {
                        PredictionType = v.GetString() switch
                        {
                            "epsilon" => PredictionType.Epsilon,
                            "v_prediction" => PredictionType.VPrediction,
                            "sample" => PredictionType.Sample,
                            var other => throw Unsupported(property.Name, other),
                        },
                    };
                    break;
                case "final_sigmas_type":
                    c = c with { FinalSigmas = v.GetString() == "sigma_min" ? FinalSigmas.SigmaMin : v.GetString() == "zero" ? FinalSigmas.Zero : throw Unsupported(property.Name, v.GetString()) };
                    break;
                case "variance_type" when className == "DDPMScheduler":
                    c = c with { VarianceType = v.GetString() == "fixed_large" ? DdpmVarianceType.FixedLarge : v.GetString() == "fixed_small" ? DdpmVarianceType.FixedSmall : throw Unsupported(property.Name, v.GetString()) };
                    break;
                case "steps_offset": c = c with { StepsOffset = v.GetInt32() }; break;
                case "use_karras_sigmas": c = c with { UseKarrasSigmas = v.GetBoolean() }; break;
                case "clip_sample": c = c with { ClipSample = v.GetBoolean() }; break;
                case "clip_sample_range": c = c with { ClipSampleRange = v.GetDouble() }; break;
                case "set_alpha_to_one": c = c with { SetAlphaToOne = v.GetBoolean() }; break;
                case "solver_order": c = c with { SolverOrder = v.GetInt32() }; break;
                case "lower_order_final": c = c with { LowerOrderFinal = v.GetBoolean() }; break;
                case "original_inference_steps": c = c with { OriginalInferenceSteps = v.GetInt32() }; break;
                case "timestep_scaling": c = c with { TimestepScaling = v.GetDouble() }; break;
                case "algorithm_type": algorithm = v.GetString(); break;
                case "skip_prk_steps": RequireValue(property, v.GetBoolean(), true); break;
                case "solver_type": RequireValue(property, v.GetString(), className == "UniPCMultistepScheduler" ? "bh2" : "midpoint"); break;
                case "thresholding" or "use_exponential_sigmas" or "use_beta_sigmas" or "use_lu_lambdas" or "use_flow_sigmas" or "rescale_betas_zero_snr" or "euler_at_final":
                    RequireValue(property, v.GetBoolean(), false);
                    break;
                case "predict_x0": RequireValue(property, v.GetBoolean(), true); break;
                case "disable_corrector": RequireValue(property, v.GetArrayLength(), 0); break;
                case "interpolation_type": RequireValue(property, v.GetString(), "linear"); break;
                case "timestep_type": RequireValue(property, v.GetString(), "discrete"); break;
                case "trained_betas" or "sigma_min" or "sigma_max" or "variance_type":
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        throw Unsupported(property.Name, v.ToString());
                    }

                    break;
                default: throw Unsupported(property.Name, v.ToString());
            }
        }

        foreach (var property in stepKwargs.EnumerateObject())
        {
            if (property.Name == "eta" && className == "DDIMScheduler")
            {
                c = c with { Eta = property.Value.GetDouble() };
            }
            else
            {
                throw Unsupported("step_kwargs." + property.Name, property.Value.ToString());
            }
        }

        string name = className switch
        {
            "DDIMScheduler" => SchedulerCatalog.Ddim,
            "PNDMScheduler" => SchedulerCatalog.Pndm,
            "EulerDiscreteScheduler" => SchedulerCatalog.Euler,
            "EulerAncestralDiscreteScheduler" => SchedulerCatalog.EulerAncestral,
            "DPMSolverMultistepScheduler" => (algorithm ?? "dpmsolver++") switch
            {
                "dpmsolver++" => c.UseKarrasSigmas ? SchedulerCatalog.DpmPlusPlus2MKarras : SchedulerCatalog.DpmPlusPlus2M,
                "sde-dpmsolver++" => c.UseKarrasSigmas ? SchedulerCatalog.DpmPlusPlus2MSdeKarras : SchedulerCatalog.DpmPlusPlus2MSde,
                var other => throw Unsupported("algorithm_type", other),
            },
            "UniPCMultistepScheduler" => SchedulerCatalog.UniPc,
            "LMSDiscreteScheduler" => SchedulerCatalog.Lms,
            "HeunDiscreteScheduler" => SchedulerCatalog.Heun,
            "LCMScheduler" => SchedulerCatalog.Lcm,
            "DDPMScheduler" => SchedulerCatalog.Ddpm,
            _ => throw new NotSupportedException($"The SDK has no scheduler for diffusers class {className}."),
        };
        if (algorithm is not null && className != "DPMSolverMultistepScheduler")
        {
            throw Unsupported("algorithm_type", algorithm);
        }

        return (name, c);
    }

    /// <summary>Inference steps that give <paramref name="calls"/> model calls for the class.</summary>
    public static int StepsForCalls(string className, int calls) => className switch
    {
        "HeunDiscreteScheduler" => (calls + 1) / 2,
        "PNDMScheduler" => calls - 1,
        _ => calls,
    };

    /// <summary>diffusers' constructor defaults for the settings the file may leave out.</summary>
    public static SchedulerConfig Defaults(string className)
    {
        var generic = new SchedulerConfig
        {
            NumTrainTimesteps = 1000,
            BetaStart = 0.0001,
            BetaEnd = 0.02,
            BetaSchedule = BetaSchedule.Linear,
            StepsOffset = 0,
            TimestepSpacing = TimestepSpacing.Linspace,
        };
        return className switch
        {
            "DDIMScheduler" => generic with { TimestepSpacing = TimestepSpacing.Leading, ClipSample = true, SetAlphaToOne = true },
            "DDPMScheduler" => generic with { TimestepSpacing = TimestepSpacing.Leading, ClipSample = true },
            "PNDMScheduler" => generic with { TimestepSpacing = TimestepSpacing.Leading, SetAlphaToOne = false },
            "LCMScheduler" => generic with
            {
                BetaStart = 0.00085,
                BetaEnd = 0.012,
                BetaSchedule = BetaSchedule.ScaledLinear,
                TimestepSpacing = TimestepSpacing.Leading,
                SetAlphaToOne = true,
            },
            _ => generic,
        };
    }

    private static void RequireValue<T>(JsonProperty property, T found, T supported)
    {
        if (!EqualityComparer<T>.Default.Equals(found, supported))
        {
            throw Unsupported(property.Name, Convert.ToString(found, CultureInfo.InvariantCulture));
        }
    }

    private static NotSupportedException Unsupported(string key, string? value)
        => new($"The SDK cannot map diffusers setting {key} = {value}.");
}

/// <summary>The file's noise formula as a noise source: draw k fills n[i] = 1.1·sin(0.7 + 1.3k + 0.011·i·(k+1)).</summary>
internal sealed class FormulaNoiseSource : INoiseSource
{
    public int Draws { get; private set; }

    public void NextGaussian(Span<float> destination)
    {
        int k = Draws++;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(1.1 * Math.Sin(0.7 + (1.3 * k) + (0.011 * i * (k + 1))));
        }
    }
}
