using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Tests.Pipeline;

public class MaskDownsampleResolutionTests
{
    private static FakeDenoiser Declaring(RegionMaskDownsample? rule)
        => new() { Capabilities = new DenoiserCapabilities { LatentChannels = 4, ContextDim = PipelineFakes.Dim, SupportsIdentityRegions = true, MaskDownsample = rule } };

    private static FaceStudioPipelineOptions With(RegionMaskDownsample? rule) => new() { RegionMasks = new RegionMaskOptions { Downsample = rule } };

    [Theory]
    [InlineData(null, null, RegionMaskDownsample.Area)]
    [InlineData(RegionMaskDownsample.Bicubic, null, RegionMaskDownsample.Bicubic)]
    [InlineData(null, RegionMaskDownsample.Bicubic, RegionMaskDownsample.Bicubic)]
    [InlineData(RegionMaskDownsample.Area, RegionMaskDownsample.Area, RegionMaskDownsample.Area)]
    [InlineData(RegionMaskDownsample.Bicubic, RegionMaskDownsample.Bicubic, RegionMaskDownsample.Bicubic)]
    public void The_rule_is_the_option_else_the_denoisers_else_area(RegionMaskDownsample? declared, RegionMaskDownsample? chosen, RegionMaskDownsample expected)
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder(Declaring(declared)).UseOptions(With(chosen)).Build();
        Assert.Equal(expected, pipeline.RegionMasks.Downsample);
        Assert.Equal(chosen, pipeline.Options.RegionMasks.Downsample);
    }

    [Theory]
    [InlineData(RegionMaskDownsample.Bicubic, RegionMaskDownsample.Area)]
    [InlineData(RegionMaskDownsample.Area, RegionMaskDownsample.Bicubic)]
    public void An_explicit_rule_other_than_the_denoisers_is_refused(RegionMaskDownsample declared, RegionMaskDownsample chosen)
    {
        var ex = Assert.Throws<FaceStudioValidationException>(() => PipelineFakes.Builder(Declaring(declared)).UseOptions(With(chosen)).Build());
        Assert.Equal("RegionMasks.Downsample", ex.ParameterName);
        Assert.Contains($"is {chosen}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"the {declared} rule", ex.Message, StringComparison.Ordinal);
    }
}
