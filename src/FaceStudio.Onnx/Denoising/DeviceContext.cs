using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Denoising;

/// <summary>The allocator and copier behind device-resident bindings.</summary>
internal sealed class DeviceContext : IDisposable
{
    private readonly OrtMemoryInfo? _memory;

    private DeviceContext(OrtAllocator allocator, CudaTensorCopier copier, OrtMemoryInfo? memory)
    {
        Allocator = allocator;
        Copier = copier;
        _memory = memory;
    }

    public OrtAllocator Allocator { get; }

    public CudaTensorCopier Copier { get; }

    /// <summary>The device the options ask for, or null for host-bound tensors.</summary>
    public static DeviceContext? Create(OnnxDenoiser owner)
    {
        if (owner.Options.SimulateDeviceOnCpu)
        {
            return new DeviceContext(OrtAllocator.DefaultInstance, new CudaTensorCopier(0, cpu: true), null);
        }

        if (owner.Options.Location != DenoiserBufferLocation.Cuda)
        {
            return null;
        }

        var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, owner.Options.DeviceId, OrtMemType.Default);
        OrtAllocator? allocator = null;
        try
        {
            allocator = new OrtAllocator(owner.Session, memory);
            return new DeviceContext(allocator, new CudaTensorCopier(owner.Options.DeviceId), memory);
        }
        catch
        {
            allocator?.Dispose();
            memory.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Copier.Dispose();
        if (_memory is not null)
        {
            // Only the CUDA allocator is ours; the default CPU allocator is shared.
            Allocator.Dispose();
            _memory.Dispose();
        }
    }
}
