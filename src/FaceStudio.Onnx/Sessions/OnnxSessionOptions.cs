using FaceStudio.Core.Errors;

namespace FaceStudio.Onnx.Sessions;

/// <summary>Execution providers FaceStudio knows how to configure.</summary>
public enum ExecutionProviderKind
{
    /// <summary>CPU (always available).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (package Microsoft.ML.OnnxRuntime.Gpu).</summary>
    Cuda,

    /// <summary>NVIDIA TensorRT, with CUDA as fallback (package Microsoft.ML.OnnxRuntime.Gpu plus TensorRT libraries).</summary>
    TensorRt,

    /// <summary>DirectML on Windows (package Microsoft.ML.OnnxRuntime.DirectML).</summary>
    DirectMl,

    /// <summary>CoreML on Apple platforms (package Microsoft.ML.OnnxRuntime on macOS/iOS).</summary>
    CoreMl,
}

/// <summary>Graph optimisation level applied when a session loads.</summary>
public enum GraphOptimization
{
    /// <summary>No optimisation.</summary>
    Disabled,

    /// <summary>Constant folding and redundant-node removal.</summary>
    Basic,

    /// <summary>Basic plus node fusions.</summary>
    Extended,

    /// <summary>Everything, layout optimisations included.</summary>
    All,
}

/// <summary>cuDNN convolution algorithm search.</summary>
public enum CudnnConvolutionSearch
{
    /// <summary>Benchmark every algorithm once (slow first run, fastest steps).</summary>
    Exhaustive,

    /// <summary>cuDNN's heuristics.</summary>
    Heuristic,

    /// <summary>cuDNN's default algorithm.</summary>
    Default,
}

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

/// <summary>TensorRT provider settings.</summary>
public sealed record TensorRtProviderOptions
{
    /// <summary>Allow fp16 kernels.</summary>
    public bool Fp16 { get; init; } = true;

    /// <summary>Folder for serialized engines; null disables the engine cache.</summary>
    public string? EngineCachePath { get; init; }
}

/// <summary>How to create one component's ONNX Runtime session.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Execution provider.</summary>
    public ExecutionProviderKind Provider { get; init; } = ExecutionProviderKind.Cpu;

    /// <summary>GPU ordinal for CUDA, TensorRT and DirectML.</summary>
    public int DeviceId { get; init; }

    /// <summary>CUDA settings (also the fallback for TensorRT).</summary>
    public CudaProviderOptions Cuda { get; init; } = new();

    /// <summary>TensorRT settings.</summary>
    public TensorRtProviderOptions TensorRt { get; init; } = new();

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across independent operators; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph optimisation level.</summary>
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;

    /// <summary>The CPU-only default.</summary>
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>Checks ranges; throws <see cref="FaceStudioValidationException"/> naming the setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Provider))
        {
            throw new FaceStudioValidationException(nameof(Provider), $"Provider must be one of {string.Join(", ", Enum.GetNames<ExecutionProviderKind>())}; got {(int)Provider}.");
        }

        if (DeviceId < 0)
        {
            throw new FaceStudioValidationException(nameof(DeviceId), $"DeviceId must be 0 or more; got {DeviceId}.");
        }

        if (IntraOpThreads < 0 || IntraOpThreads > 1024)
        {
            throw new FaceStudioValidationException(nameof(IntraOpThreads), $"IntraOpThreads must be in [0, 1024] (0 = runtime default); got {IntraOpThreads}.");
        }

        if (InterOpThreads < 0 || InterOpThreads > 1024)
        {
            throw new FaceStudioValidationException(nameof(InterOpThreads), $"InterOpThreads must be in [0, 1024] (0 = runtime default); got {InterOpThreads}.");
        }

        if (!Enum.IsDefined(Optimization))
        {
            throw new FaceStudioValidationException(nameof(Optimization), $"Optimization must be one of {string.Join(", ", Enum.GetNames<GraphOptimization>())}; got {(int)Optimization}.");
        }

        ArgumentNullException.ThrowIfNull(Cuda);
        ArgumentNullException.ThrowIfNull(TensorRt);
        if (Cuda.MemoryLimitBytes is { } limit && limit <= 0)
        {
            throw new FaceStudioValidationException("Cuda.MemoryLimitBytes", $"Cuda.MemoryLimitBytes must be positive when set; got {limit}.");
        }

        if (TensorRt.EngineCachePath is { Length: 0 })
        {
            throw new FaceStudioValidationException("TensorRt.EngineCachePath", "TensorRt.EngineCachePath must be null (no cache) or a folder path; got an empty string.");
        }
    }
}

/// <summary>The models a pipeline loads; each may get its own session options.</summary>
public enum ModelComponent
{
    /// <summary>CLIP text encoder.</summary>
    TextEncoder,

    /// <summary>UNet denoiser.</summary>
    Denoiser,

    /// <summary>VAE decoder.</summary>
    VaeDecoder,

    /// <summary>VAE encoder.</summary>
    VaeEncoder,

    /// <summary>Face detector.</summary>
    FaceDetector,

    /// <summary>Face embedder.</summary>
    FaceEmbedder,

    /// <summary>CLIP vision encoder.</summary>
    ImageEncoder,

    /// <summary>Guidance projector.</summary>
    Projector,
}

/// <summary>Session options for every component: one default and per-component overrides.</summary>
public sealed record PipelineSessionOptions
{
    /// <summary>Used by components without an override.</summary>
    public OnnxSessionOptions Default { get; init; } = OnnxSessionOptions.Default;

    /// <summary>Per-component overrides (e.g. the denoiser on CUDA with graphs, the rest on CPU).</summary>
    public IReadOnlyDictionary<ModelComponent, OnnxSessionOptions> Overrides { get; init; } = new Dictionary<ModelComponent, OnnxSessionOptions>();

    /// <summary>The options for <paramref name="component"/>.</summary>
    public OnnxSessionOptions For(ModelComponent component) =>
        Overrides.TryGetValue(component, out OnnxSessionOptions? options) ? options : Default;

    /// <summary>Validates the default and every override.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Default);
        Default.Validate();
        foreach (OnnxSessionOptions options in Overrides.Values)
        {
            options.Validate();
        }
    }
}
