namespace FaceStudio.Core.Denoising;

/// <summary>Numeric precision of a model's inputs and outputs.</summary>
public enum TensorPrecision
{
    /// <summary>32-bit float.</summary>
    Float32,

    /// <summary>16-bit IEEE float.</summary>
    Float16,
}
