using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Scheduling;

/// <summary>
/// Settings shared by every scheduler: the training noise schedule and how inference steps are laid over it,
/// plus the few options only some schedulers read (named per property). Defaults are Stable Diffusion 1.5's
/// shipped scheduler config; see <see cref="StableDiffusion15"/>.
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>Stable Diffusion 1.5: scaled_linear 0.00085→0.012, 1000 training steps, leading spacing, offset 1.</summary>
    public static SchedulerConfig StableDiffusion15 { get; } = new();

    /// <summary>Number of diffusion steps the model was trained with.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>First training beta.</summary>
    public double BetaStart { get; init; } = 0.00085;

    /// <summary>Last training beta.</summary>
    public double BetaEnd { get; init; } = 0.012;

    /// <summary>Beta layout.</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.ScaledLinear;

    /// <summary>How inference timesteps are spaced.</summary>
    public TimestepSpacing TimestepSpacing { get; init; } = TimestepSpacing.Leading;

    /// <summary>Added to every timestep with <see cref="TimestepSpacing.Leading"/> spacing.</summary>
    public int StepsOffset { get; init; } = 1;

    /// <summary>What the denoiser predicts.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>Use the Karras et al. (2022) sigma spacing (Euler, Heun, LMS, DPM-Solver, UniPC).</summary>
    public bool UseKarrasSigmas { get; init; }

    /// <summary>Clip the predicted x₀ to ±<see cref="ClipSampleRange"/> (DDIM, DDPM, LCM).</summary>
    public bool ClipSample { get; init; }

    /// <summary>Range used by <see cref="ClipSample"/>.</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Use ᾱ = 1 before the first training step instead of ᾱ₀ (DDIM, PNDM, LCM).</summary>
    public bool SetAlphaToOne { get; init; }

    /// <summary>DDIM's η: 0 is deterministic DDIM, 1 is DDPM-like ancestral sampling.</summary>
    public double Eta { get; init; }

    /// <summary>Multistep order of DPM-Solver and UniPC (1 or 2).</summary>
    public int SolverOrder { get; init; } = 2;

    /// <summary>Use lower orders for the last steps of short schedules (DPM-Solver, UniPC; below 15 steps).</summary>
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary>The last sigma of DPM-Solver, UniPC and Euler schedules.</summary>
    public FinalSigmas FinalSigmas { get; init; } = FinalSigmas.Zero;

    /// <summary>LCM: the number of steps of the teacher schedule the student was distilled on.</summary>
    public int OriginalInferenceSteps { get; init; } = 50;

    /// <summary>LCM: multiplier of the timestep in the boundary-condition scalings.</summary>
    public double TimestepScaling { get; init; } = 10.0;

    /// <summary>DDPM posterior variance.</summary>
    public DdpmVarianceType VarianceType { get; init; } = DdpmVarianceType.FixedSmall;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first invalid setting and its valid range.</summary>
    public void Validate()
    {
        Require(NumTrainTimesteps is >= 2 and <= 100_000, nameof(NumTrainTimesteps), "an integer in [2, 100000]", NumTrainTimesteps);
        Require(double.IsFinite(BetaStart) && BetaStart > 0 && BetaStart < 1, nameof(BetaStart), "a number in (0, 1)", BetaStart);
        Require(double.IsFinite(BetaEnd) && BetaEnd > 0 && BetaEnd < 1, nameof(BetaEnd), "a number in (0, 1)", BetaEnd);
        Require(Enum.IsDefined(BetaSchedule), nameof(BetaSchedule), "linear, scaled_linear or squaredcos_cap_v2", BetaSchedule);
        Require(Enum.IsDefined(TimestepSpacing), nameof(TimestepSpacing), "leading, trailing or linspace", TimestepSpacing);
        Require(StepsOffset >= 0 && StepsOffset < NumTrainTimesteps, nameof(StepsOffset), $"an integer in [0, {NumTrainTimesteps - 1}]", StepsOffset);
        Require(Enum.IsDefined(PredictionType), nameof(PredictionType), "epsilon, v_prediction or sample", PredictionType);
        Require(double.IsFinite(ClipSampleRange) && ClipSampleRange > 0, nameof(ClipSampleRange), "a positive number", ClipSampleRange);
        Require(double.IsFinite(Eta) && Eta >= 0, nameof(Eta), "a number >= 0", Eta);
        Require(SolverOrder is 1 or 2, nameof(SolverOrder), "1 or 2", SolverOrder);
        Require(Enum.IsDefined(FinalSigmas), nameof(FinalSigmas), "zero or sigma_min", FinalSigmas);
        Require(OriginalInferenceSteps >= 1 && OriginalInferenceSteps <= NumTrainTimesteps, nameof(OriginalInferenceSteps), $"an integer in [1, {NumTrainTimesteps}]", OriginalInferenceSteps);
        Require(double.IsFinite(TimestepScaling) && TimestepScaling > 0, nameof(TimestepScaling), "a positive number", TimestepScaling);
        Require(Enum.IsDefined(VarianceType), nameof(VarianceType), "fixed_small or fixed_large", VarianceType);
    }

    private static void Require(bool valid, string parameter, string expected, object found)
    {
        if (!valid)
        {
            throw new FaceStudioValidationException(
                parameter,
                string.Create(CultureInfo.InvariantCulture, $"SchedulerConfig.{parameter} must be {expected}; found {found}."));
        }
    }
}
