using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// The SDK's pipeline on the committed tiny pack against diffusers' recorded runs with the same seed
/// (torch.Generator("cpu").manual_seed(seed) there, the torch-cpu noise source here): final latents ≤ 1e-3 relative
/// L2, decoded pixels within one grey level.
/// </summary>
public class DiffusersPipelineParityTests(ITestOutputHelper output)
{
    private const double LatentTolerance = 1e-3;

    public static TheoryData<string> Cases() => [.. DiffusersPipelineParity.Cases()];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Parity_pipeline_matches_diffusers_with_the_same_seed(string name)
    {
        DiffusersPipelineParity.Outcome outcome = await DiffusersPipelineParity.RunCaseAsync(name);
        output.WriteLine($"{name}: final latents relative L2 {outcome.LatentRelativeL2:E2}, pixels max |Δ| {outcome.MaxGreyLevelDifference}");
        Assert.InRange(outcome.LatentRelativeL2, 0, LatentTolerance);
        Assert.InRange(outcome.MaxGreyLevelDifference, 0, 1);
    }
}
