using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;
using FaceStudio.TestSupport;
using static FaceStudio.Core.Tests.Guidance.GuidanceTestKit;

namespace FaceStudio.Core.Tests.Guidance;

public class GuidanceComposerTests
{
    private const int F = 8;   // face embedding width (512 in real packs; small here)
    private const int E = 5;   // CLIP image-space width
    private const int K = 3;   // tokens per identity
    private const int D = 6;   // token width
    private const int T = 7;   // text tokens

    private static readonly float[] Weight = Random(11, K * D * (E + F), 0.5f);
    private static readonly float[] Bias = Random(12, K * D, 0.5f);

    private static LinearGuidanceProjector HybridProjector() => new(Weight, Bias, F, E, K, D);

    private static GuidanceRequest Request(float[][] faces, float[]? style, float[]? promptImage, float scale = 1f)
        => new(new FloatTensor(Random(1, T * D), 1, T, D), new FloatTensor(Random(2, T * D), T, D), faces.Select(f => IdentityGuidance.Single(f, scale)).ToArray())
        {
            StyleEmbedding = style,
            PromptImageEmbedding = promptImage,
        };

    [Fact]
    public async Task Alpha_one_gives_the_image_branch_and_alpha_zero_the_text_branch()
    {
        float[] face = Random(3, F);
        float[] style = Random(4, E);
        float[] prior = Random(5, E);
        var composer = new GuidanceComposer(HybridProjector());

        ComposedGuidance one = await composer.ComposeAsync(Request([face], style, prior), new GuidanceOptions { Alpha = 1f });
        ComposedGuidance zero = await composer.ComposeAsync(Request([face], style, prior), new GuidanceOptions { Alpha = 0f });

        AssertClose(HandProject(Weight, Bias, style, face), one.IdentityTokens.Span, 1e-5);
        AssertClose(HandProject(Weight, Bias, prior, face), zero.IdentityTokens.Span, 1e-5);
        Assert.Equal(1f, one.IdentityScales[0]);
        Assert.Equal(1f, zero.IdentityScales[0]);
    }

    [Theory]
    [InlineData(0.25f)]
    [InlineData(0.7f)]
    public async Task Hybrid_tokens_mix_the_branches_with_alpha(float alpha)
    {
        float[] face = Random(3, F);
        float[] style = Random(4, E);
        float[] prior = Random(5, E);
        ComposedGuidance g = await new GuidanceComposer(HybridProjector()).ComposeAsync(Request([face], style, prior), new GuidanceOptions { Alpha = alpha });

        double[] image = HandProject(Weight, Bias, style, face);
        double[] text = HandProject(Weight, Bias, prior, face);
        double[] expected = image.Select((v, i) => (alpha * v) + ((1 - alpha) * text[i])).ToArray();
        AssertClose(expected, g.IdentityTokens.Span, 1e-5);
    }

    [Fact]
    public async Task Without_a_prompt_image_embedding_alpha_scales_the_image_branch_against_the_text()
    {
        float[] face = Random(3, F);
        float[] style = Random(4, E);
        ComposedGuidance g = await new GuidanceComposer(HybridProjector()).ComposeAsync(Request([face], style, null, scale: 0.8f), new GuidanceOptions { Alpha = 0.25f });

        AssertClose(HandProject(Weight, Bias, style, face), g.IdentityTokens.Span, 1e-5);
        Assert.Equal(0.25f * 0.8f, g.IdentityScales[0], 6);
    }

    [Fact]
    public async Task Unconditional_tokens_are_the_projection_of_zeroed_identity_and_style()
    {
        ComposedGuidance g = await new GuidanceComposer(HybridProjector()).ComposeAsync(Request([Random(3, F)], Random(4, E), Random(5, E)), new GuidanceOptions());

        // W · 0 + b = b.
        AssertClose(Bias.Select(b => (double)b).ToArray(), g.ZeroIdentityTokens.Span, 1e-6);
        Assert.Equal(Random(2, T * D), g.UnconditionalTokens.Buffer);
        Assert.Equal([T, D], g.PromptTokens.ShapeArray());
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.2f)]
    public async Task Identity_mixing_is_linear_in_beta(float beta)
    {
        float[] a = Random(3, F);
        float[] b = Random(8, F);
        float[] style = Random(4, E);
        float[] prior = Random(5, E);
        var composer = new GuidanceComposer(HybridProjector());
        var options = new GuidanceOptions { Alpha = 0.6f };

        ComposedGuidance singles = await composer.ComposeAsync(Request([a, b], style, prior), options);
        GuidanceRequest mixRequest = Request([a], style, prior) with
        {
            Identities = [new IdentityGuidance([new WeightedEmbedding(a, beta), new WeightedEmbedding(b, 1f - beta)])],
        };
        ComposedGuidance mixed = await composer.ComposeAsync(mixRequest, options);

        // The projector is affine and Σβ = 1, so tokens(β·a + (1−β)·b) = β·tokens(a) + (1−β)·tokens(b).
        int n = K * D;
        double[] expected = Enumerable.Range(0, n).Select(i => (beta * (double)singles.IdentityTokens.Buffer[i]) + ((1 - beta) * (double)singles.IdentityTokens.Buffer[n + i])).ToArray();
        AssertClose(expected, mixed.IdentityTokens.Span, 1e-5);

        // And the mixed embedding itself is the β-weighted sum of the normalised embeddings.
        var e = new float[F];
        IdentityMixer.Mix(mixRequest.Identities[0], e);
        double na = Math.Sqrt(a.Sum(v => (double)v * v));
        double nb = Math.Sqrt(b.Sum(v => (double)v * v));
        AssertClose(a.Select((v, i) => (beta * v / na) + ((1 - beta) * b[i] / nb)).ToArray(), e, 1e-6);
    }

    [Fact]
    public async Task IpAdapter_FaceId_flavour_projects_the_normalised_face_embedding_only()
    {
        float[] w = Random(21, K * D * F, 0.5f);
        float[] bias = Random(22, K * D, 0.5f);
        var projector = new LinearGuidanceProjector(w, bias, F, 0, K, D);
        float[] face = Random(3, F);

        ComposedGuidance g = await new GuidanceComposer(projector).ComposeAsync(Request([face], null, null, scale: 0.6f), new GuidanceOptions { Flavor = GuidanceFlavor.IpAdapterFaceId, Alpha = 0.1f });

        AssertClose(HandProject(w, bias, [], face), g.IdentityTokens.Span, 1e-5);
        Assert.Equal(0.6f, g.IdentityScales[0]); // α plays no part in this flavour
    }

    [Theory]
    [InlineData(nameof(GuidanceOptions.Alpha), 1.5f, 7.5f, null)]
    [InlineData(nameof(GuidanceOptions.Alpha), float.NaN, 7.5f, null)]
    [InlineData(nameof(GuidanceOptions.GuidanceScale), 0.5f, -1f, null)]
    [InlineData(nameof(GuidanceOptions.IdentityGuidanceScale), 0.5f, 7.5f, 51f)]
    public async Task Invalid_options_name_the_field_and_range_before_the_projector_runs(string field, float alpha, float scale, float? identityScale)
    {
        var projector = new RecordingProjector(HybridProjector());
        var options = new GuidanceOptions { Alpha = alpha, GuidanceScale = scale, IdentityGuidanceScale = identityScale };

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => new GuidanceComposer(projector).ComposeAsync(Request([Random(3, F)], Random(4, E), null), options));

        Assert.Equal(field, ex.ParameterName);
        Assert.Contains("must be in [", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, projector.Calls);
    }

    [Fact]
    public async Task Invalid_request_values_are_rejected_before_the_projector_runs()
    {
        var projector = new RecordingProjector(HybridProjector());
        var composer = new GuidanceComposer(projector);

        var wrongFace = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.ComposeAsync(Request([Random(3, F + 1)], null, null), new GuidanceOptions()));
        Assert.Equal("Identities[0].Components[0]", wrongFace.ParameterName);
        Assert.Contains($"must hold {F} values", wrongFace.Message, StringComparison.Ordinal);

        var wrongStyle = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.ComposeAsync(Request([Random(3, F)], Random(4, E + 2), null), new GuidanceOptions()));
        Assert.Equal(nameof(GuidanceRequest.StyleEmbedding), wrongStyle.ParameterName);

        var wrongScale = await Assert.ThrowsAsync<FaceStudioValidationException>(() => composer.ComposeAsync(Request([Random(3, F)], null, null, scale: -1f), new GuidanceOptions()));
        Assert.Equal("Identities[0].Scale", wrongScale.ParameterName);

        var faceOnly = new RecordingProjector(new LinearGuidanceProjector(Random(21, K * D * F), null, F, 0, K, D));
        var noImageInput = await Assert.ThrowsAsync<FaceStudioValidationException>(() => new GuidanceComposer(faceOnly).ComposeAsync(Request([Random(3, F)], null, null), new GuidanceOptions()));
        Assert.Equal("Flavor", noImageInput.ParameterName);

        Assert.Equal(0, projector.Calls);
        Assert.Equal(0, faceOnly.Calls);
    }
}
