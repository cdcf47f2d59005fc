namespace FaceStudio.Onnx.Sessions;

/// <summary>CUDA provider settings.</summary>
public sealed record CudaProviderOptions
{
    /// <summary>cuDNN convolution algorithm search.</summary>
    public CudnnConvolutionSearch ConvolutionSearch { get; init; } = CudnnConvolutionSearch.Exhaustive;

    /// <summary>Upper bound for the CUDA memory arena in bytes; null for no limit.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Capture the graph on the first run and replay it (needs fixed shapes and IOBinding).</summary>
    public bool EnableCudaGraph { get; init; }
}
