using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.Tests.Pipeline;
using static FaceStudio.Onnx.Tests.Pipeline.PipelineTestKit;

namespace FaceStudio.Onnx.Tests.Adversarial;

/// <summary>Requests at the edges of their ranges fail validation with a typed error instead of wrapping or blaming a model.</summary>
public sealed class RequestAdversarialTests(DemoPackFixture fixture) : IClassFixture<DemoPackFixture>
{
    [Theory]
    [InlineData(long.MaxValue, 2)]
    [InlineData(long.MaxValue - 2, 4)]
    public void A_seed_whose_batch_would_wrap_past_int64_max_is_refused(long seed, int count)
    {
        GenerationRequest request = Request(seed) with { BatchCount = count };

        var ex = Assert.Throws<FaceStudioValidationException>(() => fixture.Pipeline.Validate(request));

        Assert.Equal("Seed", ex.ParameterName);
        Assert.Contains("image b uses seed + b", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_seed_that_fits_gives_seeds_up_to_int64_max()
    {
        GenerationResult result = await fixture.Pipeline.GenerateAsync(Request(long.MaxValue - 1, steps: 2) with { BatchCount = 2 });

        Assert.Equal([long.MaxValue - 1, long.MaxValue], result.Images.Select(i => i.Seed));
    }

    [Fact]
    public async Task An_overflowing_prompt_weight_is_a_validation_error_before_the_text_model_runs()
    {
        GenerationRequest request = Request(seed: 3) with { Prompt = new string('(', 1000) + "face" };

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => fixture.Pipeline.GenerateAsync(request));

        Assert.Equal("prompt", ex.ParameterName);
    }
}
