using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Tests.DependencyInjection;

public sealed class FaceStudioOnnxOptionsTests
{
    [Fact]
    public void EnableCudaGraph_applies_to_the_denoiser_only()
    {
        // The other components run with plain Run on host tensors and varying shapes, which a captured graph cannot replay.
        var options = new FaceStudioOnnxOptions { ExecutionProvider = ExecutionProviderKind.Cuda, DeviceId = 1, IntraOpThreads = 2, EnableCudaGraph = true };
        PipelineSessionOptions sessions = options.ToSessionOptions();

        Assert.True(sessions.For(ModelComponent.Denoiser).Cuda.EnableCudaGraph);
        foreach (ModelComponent component in Enum.GetValues<ModelComponent>().Where(c => c != ModelComponent.Denoiser))
        {
            Assert.False(sessions.For(component).Cuda.EnableCudaGraph, component.ToString());
        }

        foreach (ModelComponent component in Enum.GetValues<ModelComponent>())
        {
            OnnxSessionOptions o = sessions.For(component);
            Assert.Equal((ExecutionProviderKind.Cuda, 1, 2), (o.Provider, o.DeviceId, o.IntraOpThreads));
        }
    }

    [Fact]
    public void Without_EnableCudaGraph_no_component_captures()
    {
        PipelineSessionOptions sessions = new FaceStudioOnnxOptions { ExecutionProvider = ExecutionProviderKind.Cuda }.ToSessionOptions();
        Assert.All(Enum.GetValues<ModelComponent>(), c => Assert.False(sessions.For(c).Cuda.EnableCudaGraph));
    }
}
