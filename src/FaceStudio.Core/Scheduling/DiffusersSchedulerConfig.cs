using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Reads diffusers' <c>scheduler_config.json</c> (as shipped in model folders) into the SDK's scheduler settings.
/// Any setting the SDK cannot honour is an error naming it, never silently ignored.
/// </summary>
public static partial class DiffusersSchedulerConfig
{
    /// <summary>Parses a <c>scheduler_config.json</c> document (its <c>_class_name</c> picks the scheduler).</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <exception cref="FaceStudioValidationException">Malformed JSON, no class name, or an unsupported setting.</exception>
    public static DiffusersScheduler Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            // Python's json.dumps writes float('-inf') (DPM-Solver's lambda_min_clipped) as the bare word -Infinity,
            // which is not JSON; quote such words so the document parses.
            using JsonDocument document = JsonDocument.Parse(PythonFloatWords().Replace(json, "\"$1\""));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_class_name", out JsonElement cls) || cls.ValueKind != JsonValueKind.String)
            {
                throw new FaceStudioValidationException("_class_name", $"{source}: expected a JSON object with a \"_class_name\" string (a diffusers scheduler config) but found none.");
            }

            return Map(cls.GetString()!, root) with { Settings = root.Clone() };
        }
        catch (JsonException ex)
        {
            throw new FaceStudioValidationException("scheduler_config", $"{source}: expected a JSON object (a diffusers scheduler config) but the JSON is malformed: {ex.Message}");
        }
        catch (FaceStudioValidationException ex) when (!ex.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw new FaceStudioValidationException(ex.ParameterName, $"{source}: {ex.Message}");
        }
    }

    /// <summary>Maps a diffusers class name and config object to a catalog name and settings.</summary>
    /// <exception cref="FaceStudioValidationException">A class or setting the SDK cannot honour.</exception>
    public static DiffusersScheduler Map(string className, JsonElement config)
    {
        ArgumentNullException.ThrowIfNull(className);
        var c = Apply(className, config, Defaults(className));
        string? algorithm = config.TryGetProperty("algorithm_type", out JsonElement a) && !IsDefaulted(config, "algorithm_type") ? a.GetString() : null;

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
            _ => throw new FaceStudioValidationException("_class_name", $"The SDK has no scheduler for diffusers class {className}; known: DDIMScheduler, PNDMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, DPMSolverMultistepScheduler, UniPCMultistepScheduler, LMSDiscreteScheduler, HeunDiscreteScheduler, LCMScheduler, DDPMScheduler."),
        };
        if (algorithm is not null && className != "DPMSolverMultistepScheduler")
        {
            throw Unsupported("algorithm_type", algorithm);
        }

        return new DiffusersScheduler(name, c);
    }

    /// <summary>
    /// Lays the settings of a diffusers config object over <paramref name="start"/> (the way <c>from_config</c> lays a
    /// config over a class's constructor defaults): keys starting with <c>_</c> are metadata, and keys listed in
    /// <c>_use_default_values</c> (defaults diffusers filled in, not choices) are dropped, as diffusers drops them.
    /// </summary>
    /// <param name="className">The diffusers class the settings are for (some keys are class-specific).</param>
    /// <param name="config">The config object.</param>
    /// <param name="start">The settings before the file's keys (normally <see cref="Defaults"/>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="FaceStudioValidationException">A setting the SDK cannot honour.</exception>
    public static SchedulerConfig Apply(string className, JsonElement config, SchedulerConfig start)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(start);
        var c = start;
        foreach (var property in config.EnumerateObject())
        {
            var v = property.Value;
            if (property.Name.StartsWith('_') || IsDefaulted(config, property.Name))
            {
                continue; // "_class_name", "_diffusers_version": metadata, not settings; defaulted keys: not choices.
            }

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
                case "algorithm_type": break; // read by Map: it picks the catalog name.
                case "skip_prk_steps": RequireValue(property, v.GetBoolean(), true); break;
                case "solver_type" when className is "UniPCMultistepScheduler" or "DPMSolverMultistepScheduler":
                    RequireValue(property, v.GetString(), className == "UniPCMultistepScheduler" ? "bh2" : "midpoint");
                    break;
                case "solver_type":
                    break; // another class's setting (from_config ignores the keys a class does not take)
                case "variance_type" when className != "DPMSolverMultistepScheduler":
                    break; // likewise (DDPM's is mapped above)
                case "thresholding" or "use_exponential_sigmas" or "use_beta_sigmas" or "use_lu_lambdas" or "use_flow_sigmas" or "rescale_betas_zero_snr" or "euler_at_final":
                    RequireValue(property, v.GetBoolean(), false);
                    break;
                case "dynamic_thresholding_ratio" or "sample_max_value":
                    break; // read only with thresholding, which must be off (below)
                case "lambda_min_clipped":
                    if (!(v.ValueKind == JsonValueKind.String && v.GetString() is "-inf" or "-Infinity"))
                    {
                        throw Unsupported(property.Name, v.ToString());
                    }

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

        return c;
    }

    /// <summary>The diffusers class of a catalog scheduler name (the class <see cref="Map"/> maps to that name).</summary>
    /// <param name="name">A catalog name (see <see cref="SchedulerCatalog"/>).</param>
    /// <returns>The diffusers class name.</returns>
    /// <exception cref="FaceStudioValidationException">The name is not in the catalog.</exception>
    public static string ClassOf(string name) => name switch
    {
        SchedulerCatalog.Ddim => "DDIMScheduler",
        SchedulerCatalog.Pndm => "PNDMScheduler",
        SchedulerCatalog.Euler => "EulerDiscreteScheduler",
        SchedulerCatalog.EulerAncestral => "EulerAncestralDiscreteScheduler",
        SchedulerCatalog.DpmPlusPlus2M or SchedulerCatalog.DpmPlusPlus2MKarras or SchedulerCatalog.DpmPlusPlus2MSde or SchedulerCatalog.DpmPlusPlus2MSdeKarras => "DPMSolverMultistepScheduler",
        SchedulerCatalog.UniPc => "UniPCMultistepScheduler",
        SchedulerCatalog.Lms => "LMSDiscreteScheduler",
        SchedulerCatalog.Heun => "HeunDiscreteScheduler",
        SchedulerCatalog.Lcm => "LCMScheduler",
        SchedulerCatalog.Ddpm => "DDPMScheduler",
        _ => throw new FaceStudioValidationException("Scheduler", $"Expected a scheduler name from the catalog ({string.Join(", ", SchedulerCatalog.Names)}) but found '{name}'."),
    };

    private static bool IsDefaulted(JsonElement config, string key)
    {
        if (!config.TryGetProperty("_use_default_values", out JsonElement defaulted) || defaulted.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (JsonElement item in defaulted.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.ValueEquals(key))
            {
                return true;
            }
        }

        return false;
    }

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

    private static FaceStudioValidationException Unsupported(string key, string? value)
        => new(key, $"The SDK cannot map diffusers scheduler setting {key} = {value}: the value is not supported (see docs/schedulers.md).");

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])")]
    private static partial System.Text.RegularExpressions.Regex PythonFloatWords();
}
