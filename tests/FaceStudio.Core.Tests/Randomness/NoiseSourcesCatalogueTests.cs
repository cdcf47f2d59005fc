using FaceStudio.Core.Errors;
using FaceStudio.Core.Randomness;

namespace FaceStudio.Core.Tests.Randomness;

public class NoiseSourcesCatalogueTests
{
    [Fact]
    public void NoiseSources_names_are_torch_cpu_torch_cuda_philox()
        => Assert.Equal(["torch-cpu", "torch-cuda", "philox"], NoiseSources.Names);

    [Theory]
    [InlineData("torch-cpu", typeof(TorchCpuNoiseSource))]
    [InlineData("TORCH-CUDA", typeof(TorchCudaNoiseSource))]
    [InlineData(" philox ", typeof(PhiloxNoiseSource))]
    public void NoiseSources_create_returns_the_named_source(string name, Type type)
        => Assert.IsType(type, NoiseSources.Create(name, 1));

    [Fact]
    public void NoiseSources_philox_gives_todays_bits_unchanged()
    {
        var a = new float[100];
        var b = new float[100];
        NoiseSources.Create("philox", 123456789).NextGaussian(a);
        new PhiloxNoiseSource(123456789UL).NextGaussian(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void NoiseSources_unknown_name_is_a_typed_error_naming_the_known_names()
    {
        var e = Assert.Throws<UnknownNoiseSourceException>(() => NoiseSources.Create("mersenne", 1));
        Assert.IsAssignableFrom<FaceStudioValidationException>(e);
        Assert.Equal("mersenne", e.Name);
        Assert.Contains("torch-cpu", e.Message, StringComparison.Ordinal);
        Assert.Contains("torch-cuda", e.Message, StringComparison.Ordinal);
        Assert.Contains("philox", e.Message, StringComparison.Ordinal);
        Assert.False(NoiseSources.IsKnown("mersenne"));
        Assert.True(NoiseSources.IsKnown("Torch-CPU"));
    }
}
