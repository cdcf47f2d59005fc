using FaceStudio.Core.Errors;

namespace FaceStudio.Onnx.Sessions;

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

    /// <summary>
    /// Keep ONNX Runtime's CPU memory arena (default <c>true</c>, ONNX Runtime's default). The arena keeps every
    /// activation buffer at its high-water mark for the session's lifetime; <c>false</c> hands intermediate buffers
    /// back to the allocator after each run (lower resident memory between runs, e.g. for the VAE decoder, whose
    /// activations are the largest; see docs/performance.md for the measured cost).
    /// </summary>
    public bool EnableCpuMemoryArena { get; init; } = true;

    /// <summary>
    /// After each run of the UNet and the VAE, hand the CPU arena's free chunks back to the operating system (ONNX
    /// Runtime's run option <c>memory.enable_memory_arena_shrinkage = cpu:0</c>; default <c>true</c>). The arena keeps
    /// its speed inside a run, but the activations a run planned are not held after it: the VAE decode that follows
    /// the loop does not stack its activations on the UNet's, and the next request's UNet loop not on the decoder's.
    /// Costs one re-allocation of the run's activation block per run, nothing measurable next to a UNet step or a
    /// decode (docs/performance.md). Other components (text and face encoders, run often and small) keep their arena.
    /// Ignored without the arena.
    /// </summary>
    public bool ShrinkCpuArenaAfterRun { get; init; } = true;

    /// <summary>Whether runs shrink the CPU arena: <see cref="ShrinkCpuArenaAfterRun"/> with the arena on.</summary>
    internal bool ShrinksCpuArena => ShrinkCpuArenaAfterRun && EnableCpuMemoryArena;

    /// <summary>
    /// Let ONNX Runtime plan one block for all activations from the first run's shapes (default <c>true</c>, ONNX
    /// Runtime's default). <c>false</c> allocates per tensor, which lowers the peak when shapes change between runs.
    /// </summary>
    public bool EnableMemoryPattern { get; init; } = true;

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
