using FaceStudio.Core.Errors;
using FaceStudio.Core.Regions;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Denoising;

/// <summary>How <see cref="OnnxDenoiser"/> binds its tensors.</summary>
public sealed record OnnxDenoiserOptions
{
    /// <summary>Buffer location.</summary>
    public DenoiserBufferLocation Location { get; init; } = DenoiserBufferLocation.Host;

    /// <summary>CUDA device ordinal for <see cref="DenoiserBufferLocation.Cuda"/>.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// The session was created with CUDA graphs enabled: every step then uses the same device addresses and
    /// shapes (one latent shape per loaded session).
    /// </summary>
    public bool CudaGraph { get; init; }

    /// <summary>
    /// The rule the graph applies to <c>identity_masks</c> (from a model pack's <c>options.maskDownsample</c>);
    /// reported as <see cref="FaceStudio.Core.Denoising.DenoiserCapabilities.MaskDownsample"/> when the graph takes
    /// identity inputs. Null when undeclared.
    /// </summary>
    public RegionMaskDownsample? MaskDownsample { get; init; }

    /// <summary>
    /// Shrink the CPU arena after every run (<see cref="OnnxSessionOptions.ShrinkCpuArenaAfterRun"/>): each step's
    /// activation block goes back to the operating system when the step ends. Host buffers only.
    /// </summary>
    public bool ShrinkCpuArenaAfterRun { get; init; }

    /// <summary>
    /// Tests only: run the device-buffer path (allocator-owned buffers, copies through the copier graphs) with
    /// CPU memory, so its bookkeeping is checked on machines without a GPU.
    /// </summary>
    internal bool SimulateDeviceOnCpu { get; init; }

    /// <summary>Derives the binding from the options the session was created with.</summary>
    public static OnnxDenoiserOptions From(OnnxSessionOptions session)
    {
        ArgumentNullException.ThrowIfNull(session);
        bool cuda = session.Provider is ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt;
        return new OnnxDenoiserOptions
        {
            Location = cuda ? DenoiserBufferLocation.Cuda : DenoiserBufferLocation.Host,
            DeviceId = session.DeviceId,
            CudaGraph = cuda && session.Cuda.EnableCudaGraph,
            ShrinkCpuArenaAfterRun = !cuda && session.ShrinksCpuArena,
        };
    }

    /// <summary>Checks ranges.</summary>
    public void Validate()
    {
        if (DeviceId < 0)
        {
            throw new FaceStudioValidationException(nameof(DeviceId), $"DeviceId must be 0 or more; got {DeviceId}.");
        }

        if (CudaGraph && Location != DenoiserBufferLocation.Cuda)
        {
            throw new FaceStudioValidationException(nameof(CudaGraph), "CudaGraph needs Location = Cuda; got Host.");
        }

        if (ShrinkCpuArenaAfterRun && Location != DenoiserBufferLocation.Host)
        {
            throw new FaceStudioValidationException(nameof(ShrinkCpuArenaAfterRun), "ShrinkCpuArenaAfterRun needs Location = Host (it shrinks the CPU arena); got Cuda.");
        }

        if (MaskDownsample is { } rule && !Enum.IsDefined(rule))
        {
            throw new FaceStudioValidationException(nameof(MaskDownsample), $"MaskDownsample must be null, Area or Bicubic; got {(int)rule}.");
        }
    }
}
