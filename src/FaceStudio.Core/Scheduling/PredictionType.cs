namespace FaceStudio.Core.Scheduling;

/// <summary>What the denoiser predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε.</summary>
    Epsilon,

    /// <summary>The velocity v = α·ε − σ·x₀.</summary>
    VPrediction,

    /// <summary>The clean sample x₀.</summary>
    Sample,
}
