using FaceStudio.Core.Errors;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.Onnx.Tests.Sessions;

public sealed class SessionFactoryTests
{
    [Theory]
    [InlineData(ExecutionProviderKind.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProviderKind.TensorRt, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProviderKind.DirectMl, "Microsoft.ML.OnnxRuntime.DirectML")]
    public void MissingProviderNamesThePackage(ExecutionProviderKind provider, string package)
    {
        // The test project carries the CPU-only native runtime.
        var factory = new SessionFactory();
        OnnxRuntimeConfigurationException ex = Assert.Throws<OnnxRuntimeConfigurationException>(() => factory.EnsureAvailable(provider));
        Assert.Contains(package, ex.Message, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderListComesFromTheRuntime()
    {
        var factory = new SessionFactory(null, () => ["CPUExecutionProvider", "CUDAExecutionProvider"]);
        factory.EnsureAvailable(ExecutionProviderKind.Cuda);
        Assert.Throws<OnnxRuntimeConfigurationException>(() => factory.EnsureAvailable(ExecutionProviderKind.CoreMl));
    }

    [Fact]
    public void CpuSessionLoadsAModelFileWithExternalData()
    {
        using var folder = new TestFolder();
        var spec = new VaeSpec();
        VaeModels.BuildDecoder(spec, VaeWeights.Random(spec, 1)).Save(folder.File("vae_decoder/model.onnx"), new ExternalDataOptions(SizeThreshold: 8));
        Assert.True(File.Exists(folder.File("vae_decoder/model.onnx_data")));
        using var session = new SessionFactory().Create(folder.File("vae_decoder/model.onnx"), new OnnxSessionOptions { IntraOpThreads = 1, Optimization = GraphOptimization.Basic });
        Assert.Contains("latent_sample", session.InputMetadata.Keys);
    }

    [Fact]
    public void UnloadableFileIsAContractError()
    {
        using var folder = new TestFolder();
        File.WriteAllText(folder.File("bad.onnx"), "not a model");
        Assert.Throws<ModelContractException>(() => new SessionFactory().Create(folder.File("bad.onnx"), OnnxSessionOptions.Default));
    }

    [Theory]
    [InlineData("DeviceId")]
    [InlineData("IntraOpThreads")]
    [InlineData("InterOpThreads")]
    [InlineData("Cuda.MemoryLimitBytes")]
    [InlineData("TensorRt.EngineCachePath")]
    public void InvalidOptionsNameTheSetting(string setting)
    {
        OnnxSessionOptions options = setting switch
        {
            "DeviceId" => new() { DeviceId = -1 },
            "IntraOpThreads" => new() { IntraOpThreads = -2 },
            "InterOpThreads" => new() { InterOpThreads = 5000 },
            "Cuda.MemoryLimitBytes" => new() { Cuda = new() { MemoryLimitBytes = 0 } },
            _ => new() { TensorRt = new() { EngineCachePath = "" } },
        };
        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(options.Validate);
        Assert.Equal(setting, ex.ParameterName);
    }

    [Fact]
    public void PipelineOptionsFallBackToDefault()
    {
        var cuda = new OnnxSessionOptions { Provider = ExecutionProviderKind.Cuda };
        var options = new PipelineSessionOptions { Overrides = new Dictionary<ModelComponent, OnnxSessionOptions> { [ModelComponent.Denoiser] = cuda } };
        Assert.Same(cuda, options.For(ModelComponent.Denoiser));
        Assert.Same(OnnxSessionOptions.Default, options.For(ModelComponent.VaeDecoder));
    }
}
