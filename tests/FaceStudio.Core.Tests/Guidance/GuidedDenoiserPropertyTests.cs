using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;
using static FaceStudio.Core.Tests.Guidance.GuidanceTestKit;

namespace FaceStudio.Core.Tests.Guidance;

/// <summary>End-to-end properties of composer → region strategy → guided denoiser, for both region paths.</summary>
public class GuidedDenoiserPropertyTests
{
    private const int F = 8, E = 5, K = 3, D = 6, T = 7;
    private const int Size = 64, Latent = 8, Plane = Latent * Latent;
    private const int C = ToyAttentionDenoiser.Channels;

    private static readonly RegionMaskSet LeftRight = RegionMaskBuilder.Build(
        [IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)), IdentityRegion.FromBox(RegionBox.FromSize(32, 0, 32, 64))], 2, Size, Size);

    private static GuidanceRequest Request(params float[][] faces) => new(new FloatTensor(Random(1, T * D), T, D), new FloatTensor(Random(2, T * D), T, D), faces.Select((f, i) => IdentityGuidance.Single(f, 0.7f + (0.2f * i))).ToArray())
    {
        StyleEmbedding = Random(4, E),
        PromptImageEmbedding = Random(5, E),
    };

    private static async Task<float[]> Run(IDenoiser denoiser, GuidanceRequest request, GuidanceOptions options, RegionMaskSet? regions, IGuidanceProjector? projector = null)
    {
        var composer = new GuidanceComposer(projector ?? Projector(F, E, K, D));
        GuidancePlan plan = await composer.PlanAsync(request, options, regions, denoiser.Capabilities, Latent, Latent);
        using var guided = GuidedDenoiser.Create(denoiser, plan, C);
        var eps = new float[C * Plane];
        guided.Predict(Random(9, C * Plane), 500f, eps, CancellationToken.None);
        return eps;
    }

    private static bool InLeft(int index) => index % Latent < Latent / 2;

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, 3f)]
    [InlineData(false, null)]
    [InlineData(false, 3f)]
    public async Task Region_k_outputs_stay_bit_identical_when_another_identity_changes_and_move_when_identity_k_changes(bool native, float? identityScale)
    {
        var denoiser = new ToyAttentionDenoiser(native, D, K);
        var options = new GuidanceOptions { Alpha = 0.6f, GuidanceScale = 5f, IdentityGuidanceScale = identityScale };
        float[] a = Random(20, F), b = Random(21, F), b2 = Random(22, F), a2 = Random(23, F);

        float[] baseline = await Run(denoiser, Request(a, b), options, LeftRight);
        float[] otherChanged = await Run(denoiser, Request(a, b2), options, LeftRight);
        float[] ownChanged = await Run(denoiser, Request(a2, b), options, LeftRight);

        int leftMoved = 0, rightMoved = 0;
        for (int i = 0; i < baseline.Length; i++)
        {
            if (InLeft(i))
            {
                // Identity 0 owns the left half: identity 1's embedding cannot reach it, bit for bit.
                Assert.Equal(BitConverter.SingleToInt32Bits(baseline[i]), BitConverter.SingleToInt32Bits(otherChanged[i]));
                leftMoved += baseline[i] != ownChanged[i] ? 1 : 0;
            }
            else
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(baseline[i]), BitConverter.SingleToInt32Bits(ownChanged[i]));
                rightMoved += baseline[i] != otherChanged[i] ? 1 : 0;
            }
        }

        Assert.Equal(baseline.Length / 2, leftMoved);
        Assert.Equal(baseline.Length / 2, rightMoved);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(1, null)]
    [InlineData(3, 2f)]
    [InlineData(null, 2f)]
    public async Task Composed_path_equals_the_hand_computed_blend(int? fixedBatch, float? identityScale)
    {
        // Overlapping soft regions so the blend weights are fractional and overlap.
        RegionMaskSet regions = RegionMaskBuilder.Build(
            [IdentityRegion.FromBox(RegionBox.FromSize(0, 4, 40, 50)), IdentityRegion.FromBox(RegionBox.FromSize(20, 0, 44, 64))], 2, Size, Size, new RegionMaskOptions { SoftEdgeRadius = 1 });
        var denoiser = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D, FixedBatchSize = fixedBatch });
        var options = new GuidanceOptions { Alpha = 0.3f, GuidanceScale = 6f, IdentityGuidanceScale = identityScale };
        GuidanceRequest request = Request(Random(20, F), Random(21, F));
        float[] eps = await Run(denoiser, request, options, regions);

        // Rows: unconditional, text-only, identity 0, identity 1 → runs of the fixed batch size.
        int rows = 4;
        int perRun = fixedBatch ?? rows;
        Assert.Equal((rows + perRun - 1) / perRun, denoiser.Sessions);
        Assert.Equal(denoiser.Sessions, denoiser.Runs);

        ComposedGuidance g = await new GuidanceComposer(Projector(F, E, K, D)).ComposeAsync(request, options);
        double zero = g.ZeroIdentityTokens.Buffer.Sum(v => (double)v);
        double prompt = g.PromptTokens.Buffer.Sum(v => (double)v);
        double uSum = g.UnconditionalTokens.Buffer.Sum(v => (double)v) + zero;
        double tSum = prompt + zero;
        double[] kSum = [prompt + g.IdentityTokens.Buffer.Take(K * D).Sum(v => (double)v), prompt + g.IdentityTokens.Buffer.Skip(K * D).Sum(v => (double)v)];
        float[] sample = Random(9, C * Plane);
        int length = C * Plane;
        var expected = new double[length];
        for (int i = 0; i < length; i++)
        {
            int p = i % Plane;
            double u = RecordingDenoiser.RowValue(sample[i], i, length, uSum, 500f);
            double t = RecordingDenoiser.RowValue(sample[i], i, length, tSum, 500f);
            double w0 = g.IdentityScales[0] * regions.Latent.Mask(0)[p];
            double w1 = g.IdentityScales[1] * regions.Latent.Mask(1)[p];
            double cond = (w0 * RecordingDenoiser.RowValue(sample[i], i, length, kSum[0], 500f)) + (w1 * RecordingDenoiser.RowValue(sample[i], i, length, kSum[1], 500f)) + ((1 - w0 - w1) * t);
            expected[i] = identityScale is float gi ? u + (6 * (t - u)) + (gi * (cond - t)) : u + (6 * (cond - u));
        }

        AssertClose(expected, eps, 1e-3);
    }

    [Fact]
    public async Task Native_plan_binds_text_identity_tokens_masks_and_scales_per_row()
    {
        var denoiser = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D, SupportsIdentityRegions = true, IdentityTokensPerIdentity = K });
        var options = new GuidanceOptions { IdentityGuidanceScale = 2f };
        GuidanceRequest request = Request(Random(20, F), Random(21, F));
        var composer = new GuidanceComposer(Projector(F, E, K, D));
        GuidancePlan plan = await composer.PlanAsync(request, options, LeftRight, denoiser.Capabilities, Latent, Latent);
        ComposedGuidance g = await composer.ComposeAsync(request, options);

        Assert.Equal(RegionMode.Native, plan.Mode);
        Assert.Equal([GuidanceRowRole.Unconditional, GuidanceRowRole.TextOnly, GuidanceRowRole.Conditional], plan.Rows.Select(r => r.Role));
        DenoiserConditioning run = Assert.Single(plan.Runs);
        IdentityConditioning id = run.Identity!;
        Assert.Equal([3, T, D], run.EncoderHiddenStates.ShapeArray());
        Assert.Equal([3, 2, K, D], id.Tokens.ShapeArray());
        Assert.Equal([3, 2, Latent, Latent], id.Masks.ShapeArray());
        Assert.Equal([3, 2], id.Scales.ShapeArray());
        Assert.Equal(g.UnconditionalTokens.Buffer, run.EncoderHiddenStates.Buffer.AsSpan(0, T * D).ToArray());
        Assert.Equal(g.PromptTokens.Buffer, run.EncoderHiddenStates.Buffer.AsSpan(2 * T * D, T * D).ToArray());
        Assert.Equal(g.ZeroIdentityTokens.Buffer, id.Tokens.Buffer.AsSpan(K * D, K * D).ToArray());   // row U, identity 1: zeroed
        Assert.Equal(g.IdentityTokens.Buffer, id.Tokens.Buffer.AsSpan(4 * K * D, 2 * K * D).ToArray()); // row C: both identities
        Assert.Equal(LeftRight.Latent.Masks.Buffer, id.Masks.Buffer.AsSpan(2 * 2 * Plane, 2 * Plane).ToArray());
        Assert.Equal([.. g.IdentityScales, .. g.IdentityScales, .. g.IdentityScales], id.Scales.Buffer);
    }

    [Fact]
    public async Task One_identity_without_regions_covers_the_whole_image()
    {
        var denoiser = new ToyAttentionDenoiser(native: true, D, K);
        float[] a = Random(20, F);
        float[] whole = await Run(denoiser, Request(a), new GuidanceOptions(), null);
        float[] full = await Run(denoiser, Request(a), new GuidanceOptions(), RegionMaskBuilder.Full(1, Size, Size));

        Assert.Equal(full, whole);
    }

    [Fact]
    public async Task Alpha_zero_without_a_prompt_image_embedding_reduces_to_the_text_branch_alone()
    {
        // α weighs identity tokens against the text: α = 0 must give exactly the prediction with no identity at all.
        var denoiser = new ToyAttentionDenoiser(native: true, D, K);
        GuidanceRequest withIdentity = Request(Random(20, F)) with { PromptImageEmbedding = ReadOnlyMemory<float>.Empty };

        float[] alphaZero = await Run(denoiser, withIdentity, new GuidanceOptions { Alpha = 0f }, null);
        float[] textOnly = await Run(denoiser, Request(), new GuidanceOptions { Alpha = 0f }, null);
        float[] alphaOne = await Run(denoiser, withIdentity, new GuidanceOptions { Alpha = 1f }, null);

        Assert.Equal(textOnly, alphaZero);
        Assert.NotEqual(textOnly, alphaOne);
    }

    [Fact]
    public async Task Mismatched_counts_are_validation_errors_raised_before_any_model_runs()
    {
        var projector = new RecordingProjector(Projector(F, E, K, D));
        var composer = new GuidanceComposer(projector);
        var stock = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D });
        RegionMaskSet one = RegionMaskBuilder.Full(1, Size, Size);

        var tooFew = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.PlanAsync(Request(Random(20, F), Random(21, F)), new GuidanceOptions(), one, stock.Capabilities, Latent, Latent));
        Assert.Equal("Regions", tooFew.ParameterName);
        Assert.Contains("2 identities but 1 regions", tooFew.Message, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.PlanAsync(Request(Random(20, F), Random(21, F)), new GuidanceOptions(), null, stock.Capabilities, Latent, Latent));
        Assert.Contains("2 identities but no regions", none.Message, StringComparison.Ordinal);

        var wrongSize = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.PlanAsync(Request(Random(20, F)), new GuidanceOptions(), one, stock.Capabilities, 16, 16));
        Assert.Contains("8×8 but the latents are 16×16", wrongSize.Message, StringComparison.Ordinal);

        var native = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D, SupportsIdentityRegions = true, IdentityTokensPerIdentity = K + 1 });
        var tokens = await Assert.ThrowsAsync<ModelContractException>(() => composer.PlanAsync(Request(Random(20, F)), new GuidanceOptions(), one, native.Capabilities, Latent, Latent));
        Assert.Contains($"expects {K + 1} identity tokens per identity but the projector makes {K}", tokens.Message, StringComparison.Ordinal);

        var shortContext = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D, MaxContextTokens = T });
        var context = await Assert.ThrowsAsync<ModelContractException>(() => composer.PlanAsync(Request(Random(20, F)), new GuidanceOptions(), one, shortContext.Capabilities, Latent, Latent));
        Assert.Contains($"at most {T} context tokens", context.Message, StringComparison.Ordinal);

        Assert.Equal(0, projector.Calls);
        Assert.Equal(0, stock.Sessions + native.Sessions + shortContext.Sessions);
    }

    [Fact]
    public async Task No_identities_is_plain_classifier_free_guidance()
    {
        var denoiser = new RecordingDenoiser(new DenoiserCapabilities { LatentChannels = C, ContextDim = D });
        float[] eps = await Run(denoiser, Request(), new GuidanceOptions { GuidanceScale = 4f }, null);

        float[] sample = Random(9, C * Plane);
        double u = Random(2, T * D).Sum(v => (double)v);
        double c = Random(1, T * D).Sum(v => (double)v);
        double[] expected = sample.Select((s, i) =>
        {
            double eu = RecordingDenoiser.RowValue(s, i, sample.Length, u, 500f);
            return eu + (4 * (RecordingDenoiser.RowValue(s, i, sample.Length, c, 500f) - eu));
        }).ToArray();
        AssertClose(expected, eps, 1e-3);
        Assert.Equal([2, T, D], denoiser.Bound[0].EncoderHiddenStates.ShapeArray());
    }
}
