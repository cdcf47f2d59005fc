using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Reads diffusers' <c>scheduler_config.json</c> (as shipped in model folders) into the SDK's scheduler settings.
/// Any setting the SDK cannot honour is an error naming it, never silently ignored.
/// </summary>
public static class DiffusersSchedulerConfig
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
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_class_name", out JsonElement cls) || cls.ValueKind != JsonValueKind.String)
            {
                throw new FaceStudioValidationException("_class_name", $"{source}: expected a JSON object with a \"_class_name\" string (a diffusers scheduler config) but found none.");
            }

            return Map(cls.GetString()!, root);
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
        var c = Defaults(className);
        string? algorithm = null;
        ArgumentNullException.ThrowIfNull(className);
        foreach (var property in config.EnumerateObject())
        {
            var v = property.Value;
            if (property.Name.StartsWith('_'))
            {
                continue; // "_class_name", "_diffusers_version": metadata, not settings.
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
}
