using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Guidance;
using FaceStudio.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Guidance;

public sealed class OnnxGuidanceProjectorTests
{
    [Fact]
    public async Task Demo_projector_through_OnnxRuntime_matches_the_csharp_linear_projector()
    {
        var spec = new ProjectorSpec { FaceEmbeddingSize = 16, ImageEmbeddingSize = 6, Tokens = 3, TokenDim = 5 };
        ProjectorWeights w = ProjectorWeights.Random(spec, 3);
        using var onnx = new OnnxGuidanceProjector(new InferenceSession(ProjectorModel.Build(spec, w).ToBytes()), ownsSession: true);
        Assert.Equal((16, 6, 3, 5), (onnx.FaceEmbeddingDim, onnx.ImageEmbeddingDim, onnx.TokensPerIdentity, onnx.TokenDim));

        // The demo graph is [face ‖ image] · W[F + E, K·D]; the C# projector is W'[K·D, E + F] · [image ‖ face].
        int f = 16, e = 6, outputs = 15;
        var reordered = new float[outputs * (e + f)];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < e; i++)
            {
                reordered[(o * (e + f)) + i] = w.Projection[((f + i) * outputs) + o];
            }

            for (int j = 0; j < f; j++)
            {
                reordered[(o * (e + f)) + e + j] = w.Projection[(j * outputs) + o];
            }
        }

        var reference = new LinearGuidanceProjector(reordered, w.Bias, f, e, 3, 5);
        var request = new GuidanceRequest(new FloatTensor(Reference.Random(7 * 5, 1), 7, 5), new FloatTensor(Reference.Random(7 * 5, 2), 7, 5),
            [IdentityGuidance.Single(Reference.Random(f, 3)), IdentityGuidance.Single(Reference.Random(f, 4), 0.5f)])
        {
            StyleEmbedding = Reference.Random(e, 5),
            PromptImageEmbedding = Reference.Random(e, 6),
        };
        var options = new GuidanceOptions { Alpha = 0.4f };

        ComposedGuidance viaOnnx = await new GuidanceComposer(onnx).ComposeAsync(request, options);
        ComposedGuidance viaCSharp = await new GuidanceComposer(reference).ComposeAsync(request, options);

        Reference.AssertClose(viaCSharp.IdentityTokens.Buffer, viaOnnx.IdentityTokens.Buffer, 1e-5f);
        Reference.AssertClose(viaCSharp.ZeroIdentityTokens.Buffer, viaOnnx.ZeroIdentityTokens.Buffer, 1e-6f);
    }

    [Fact]
    public async Task Face_only_projector_has_no_image_input_and_serves_the_FaceId_flavour()
    {
        // tokens = reshape(face · W, [N, 2, 3]) — an IP-Adapter-FaceID-shaped projector with a single linear layer.
        float[] weight = Reference.Random(4 * 6, 8);
        var g = new GraphBuilder("faceid_projector");
        string face = g.Input("face_embeds", OnnxElementType.Float, "batch", 4);
        string y = g.MatMul(face, g.Initializer("w", [4, 6], weight));
        g.Output("tokens", g.Reshape(y, 0, 2, 3), OnnxElementType.Float, "batch", 2, 3);
        using var onnx = new OnnxGuidanceProjector(new InferenceSession(new OnnxModelBuilder(g).ToBytes()), ownsSession: true);
        Assert.Equal(0, onnx.ImageEmbeddingDim);

        float[] e = [3f, 0f, 4f, 0f]; // norm 5
        var request = new GuidanceRequest(new FloatTensor(2, 3), new FloatTensor(2, 3), [IdentityGuidance.Single(e)]);
        ComposedGuidance composed = await new GuidanceComposer(onnx).ComposeAsync(request, new GuidanceOptions { Flavor = GuidanceFlavor.IpAdapterFaceId });

        float[] expected = Enumerable.Range(0, 6).Select(o => (0.6f * weight[o]) + (0.8f * weight[(2 * 6) + o])).ToArray();
        Reference.AssertClose(expected, composed.IdentityTokens.Buffer, 1e-6f);
    }

    [Fact]
    public async Task A_run_that_fails_in_OnnxRuntime_is_a_FaceStudioException_like_the_other_components()
    {
        // The graph reshapes to a fixed batch of 1, so two identities fail inside Run (not in the contract check).
        var g = new GraphBuilder("fixed_batch_projector");
        string face = g.Input("face_embeds", OnnxElementType.Float, "batch", 6);
        g.Output("tokens", g.Reshape(face, 1, 2, 3), OnnxElementType.Float, "batch", 2, 3);
        using var onnx = new OnnxGuidanceProjector(new InferenceSession(new OnnxModelBuilder(g).ToBytes()), ownsSession: true);

        var ex = await Assert.ThrowsAsync<FaceStudioException>(() => onnx.ProjectAsync(new FloatTensor(2, 6), null));
        Assert.Contains("Guidance projector run failed", ex.Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
    }

    [Fact]
    public void Graphs_without_the_contract_names_are_rejected_with_what_was_found()
    {
        var g = new GraphBuilder("wrong");
        string x = g.Input("embeds", OnnxElementType.Float, "batch", 4);
        g.Output("tokens", g.Reshape(x, 0, 2, 2), OnnxElementType.Float, "batch", 2, 2);
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());

        var ex = Assert.Throws<ModelContractException>(() => new OnnxGuidanceProjector(session));
        Assert.Contains("'face_embeds'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[embeds]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_from_a_file_and_reports_a_missing_file()
    {
        using var folder = new TestFolder();
        var spec = new ProjectorSpec { FaceEmbeddingSize = 8, ImageEmbeddingSize = 4, Tokens = 2, TokenDim = 3 };
        ProjectorModel.Build(spec, ProjectorWeights.Random(spec, 1)).Save(folder.File("projector.onnx"));

        using OnnxGuidanceProjector loaded = OnnxGuidanceProjector.Load(folder.File("projector.onnx"));
        Assert.Equal((8, 4, 2, 3), (loaded.FaceEmbeddingDim, loaded.ImageEmbeddingDim, loaded.TokensPerIdentity, loaded.TokenDim));

        var missing = Assert.Throws<ModelContractException>(() => OnnxGuidanceProjector.Load(folder.File("absent.onnx")));
        Assert.Contains("absent.onnx", missing.Message, StringComparison.Ordinal);
    }
}
