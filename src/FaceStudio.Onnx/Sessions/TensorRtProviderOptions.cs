namespace FaceStudio.Onnx.Sessions;

/// <summary>TensorRT provider settings.</summary>
public sealed record TensorRtProviderOptions
{
    /// <summary>Allow fp16 kernels.</summary>
    public bool Fp16 { get; init; } = true;

    /// <summary>Folder for serialized engines; null disables the engine cache.</summary>
    public string? EngineCachePath { get; init; }
}
