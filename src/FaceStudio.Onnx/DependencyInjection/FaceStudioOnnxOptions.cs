using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.DependencyInjection;

/// <summary>
/// Settings of a pipeline registered with <see cref="Microsoft.Extensions.DependencyInjection.FaceStudioOnnxServiceCollectionExtensions.AddFaceStudio(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// bindable from configuration (section <c>FaceStudio</c> by convention). Validated when the host starts.
/// </summary>
public sealed class FaceStudioOnnxOptions
{
    /// <summary>The <see cref="ModelPack"/> value that asks for the random-weight demo pack (needs FaceStudio.Onnx.Demo's <c>UseDemoPack()</c>).</summary>
    public const string DemoModelPack = "demo";

    /// <summary>
    /// Required: a model pack folder (diffusers/optimum ONNX layout + <c>facestudio.json</c>), or <c>"demo"</c> for the
    /// random-weight demo pack of FaceStudio.Onnx.Demo. Unset is a start-up error.
    /// </summary>
    public string? ModelPack { get; set; }

    /// <summary>Where the demo pack is generated and cached (<c>ModelPack = "demo"</c>); null uses a private per-user folder.</summary>
    public string? DemoCacheDirectory { get; set; }

    /// <summary>Execution provider for every model: Cpu, Cuda, TensorRt, DirectMl or CoreMl.</summary>
    public ExecutionProviderKind ExecutionProvider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>GPU index for CUDA, TensorRT and DirectML.</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads per model run on CPU; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Capture the denoiser's step as a CUDA graph (CUDA only; fixed shapes).</summary>
    public bool EnableCudaGraph { get; set; }

    /// <summary>
    /// Low-memory mode (configuration key <c>FaceStudio:LowMemory</c>, default <c>false</c>): each model is loaded only
    /// while a request needs it and the VAE decodes in tiles; see <see cref="PipelineSessionOptions.LowMemory"/>.
    /// </summary>
    public bool LowMemory { get; set; }

    /// <summary>Requests served at the same time by this pipeline, in [1, 64].</summary>
    public int MaxConcurrentRequests { get; set; } = 1;

    /// <summary>
    /// The session options these settings describe. <see cref="EnableCudaGraph"/> goes to the denoiser only: it is the
    /// one component bound to fixed device buffers; the others run on host tensors of varying shapes.
    /// </summary>
    public PipelineSessionOptions ToSessionOptions()
    {
        OnnxSessionOptions common = OnnxSessionOptions.Default with
        {
            Provider = ExecutionProvider,
            DeviceId = DeviceId,
            IntraOpThreads = IntraOpThreads,
        };
        var overrides = new Dictionary<ModelComponent, OnnxSessionOptions>();
        if (EnableCudaGraph)
        {
            overrides[ModelComponent.Denoiser] = common with { Cuda = common.Cuda with { EnableCudaGraph = true } };
        }

        return new PipelineSessionOptions { Default = common, Overrides = overrides, LowMemory = LowMemory };
    }
}
