using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Onnx.Demo.TestModels;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Identity;
using FaceStudio.Onnx.Style;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Identity;

public sealed class EmbedderTests
{
    private const int Dim = 8;

    private static float[] Weights(int seed, int n)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2) - 1)).ToArray();
    }

    private static RgbImage RandomImage(int w, int h, int seed)
    {
        var img = new RgbImage(w, h);
        new Random(seed).NextBytes(img.Pixels);
        return img;
    }

    /// <summary>The test graph's embedding, from the pixels: channel means of (x − mean)/std, affine map, L2-normalised.</summary>
    private static double[] Expected(RgbImage img, float[] w, float[] b, double mean, double std, bool normalise = true)
    {
        var m = new double[3];
        for (int i = 0; i < img.Pixels.Length; i++)
        {
            m[i % 3] += (img.Pixels[i] - mean) / std;
        }

        int count = img.Width * img.Height;
        var y = new double[b.Length];
        for (int j = 0; j < y.Length; j++)
        {
            y[j] = b[j] + Enumerable.Range(0, 3).Sum(c => m[c] / count * w[(c * b.Length) + j]);
        }

        if (!normalise)
        {
            return y;
        }

        double norm = Math.Sqrt(y.Sum(v => v * v));
        return y.Select(v => v / norm).ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ArcFace_normalises_input_and_output(bool dynamicBatch)
    {
        float[] w = Weights(1, 3 * Dim), b = Weights(2, Dim);
        using var embedder = new ArcFaceEmbedder(new InferenceSession(EmbedderTestModels.ArcFace(w, b, dynamicBatch: dynamicBatch).ToBytes()), ownsSession: true);
        Assert.Equal(112, embedder.InputSize);
        Assert.Equal(Dim, embedder.Dimension);
        RgbImage[] crops = [RandomImage(112, 112, 3), RandomImage(112, 112, 4), RandomImage(112, 112, 5)];
        var result = await embedder.EmbedAsync(crops);
        Assert.Equal([3, Dim], result.ShapeArray());
        for (int i = 0; i < crops.Length; i++)
        {
            var e = Expected(crops[i], w, b, 127.5, 127.5);
            for (int j = 0; j < Dim; j++)
            {
                Assert.Equal(e[j], result.Buffer[(i * Dim) + j], 1e-5);
            }
        }
    }

    [Fact]
    public async Task ArcFace_normalisation_is_configurable_for_graphs_that_normalise_inside()
    {
        float[] w = Weights(6, 3 * Dim), b = Weights(7, Dim);
        using var embedder = new ArcFaceEmbedder(new InferenceSession(EmbedderTestModels.ArcFace(w, b).ToBytes()), ArcFaceOptions.NormalizationInGraph, ownsSession: true);
        var crop = RandomImage(112, 112, 8);
        var result = await embedder.EmbedAsync([crop]);
        var e = Expected(crop, w, b, 0, 1);
        for (int j = 0; j < Dim; j++)
        {
            Assert.Equal(e[j], result.Buffer[j], 1e-5);
        }
    }

    [Fact]
    public async Task ArcFace_rejects_crops_of_the_wrong_size_and_graphs_of_the_wrong_shape()
    {
        using var embedder = new ArcFaceEmbedder(new InferenceSession(EmbedderTestModels.ArcFace(Weights(1, 3 * Dim), Weights(2, Dim)).ToBytes()), ownsSession: true);
        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => embedder.EmbedAsync([new RgbImage(100, 112)]));
        Assert.Contains("112x112", ex.Message, StringComparison.Ordinal);
        Assert.Contains("100x112", ex.Message, StringComparison.Ordinal);

        using var clip = new InferenceSession(EmbedderTestModels.ClipVision(Weights(1, 3 * Dim), Weights(2, Dim), size: 32).ToBytes());
        var contract = Assert.Throws<ModelContractException>(() => new ArcFaceEmbedder(clip, modelName: "w600k.onnx"));
        Assert.Contains("w600k.onnx", contract.Message, StringComparison.Ordinal);
        Assert.Contains("image_embeds", contract.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clip_resizes_crops_and_normalises_with_CLIP_statistics()
    {
        float[] w = Weights(9, 3 * Dim), b = Weights(10, Dim);
        using var encoder = new ClipStyleEncoder(new InferenceSession(EmbedderTestModels.ClipVision(w, b).ToBytes()), ownsSession: true);
        Assert.True(encoder.HasHiddenStates);
        Assert.Equal(Dim, encoder.EmbeddingSize);
        // A solid 300×200 image stays solid through resize and crop, so its normalised channel values are known.
        var img = new RgbImage(300, 200);
        for (int i = 0; i < img.Pixels.Length; i += 3)
        {
            img.Pixels[i] = 200;
            img.Pixels[i + 1] = 100;
            img.Pixels[i + 2] = 30;
        }

        var enc = await encoder.EncodeAsync([img, img]);
        double[] mean = [0.48145466, 0.4578275, 0.40821073], std = [0.26862954, 0.26130258, 0.27577711];
        double[] channel = [(200 / 255.0 - mean[0]) / std[0], (100 / 255.0 - mean[1]) / std[1], (30 / 255.0 - mean[2]) / std[2]];
        Assert.Equal([2, Dim], enc.ImageEmbeds.ShapeArray());
        for (int j = 0; j < Dim; j++)
        {
            double e = b[j] + Enumerable.Range(0, 3).Sum(c => channel[c] * w[(c * Dim) + j]);
            Assert.Equal(e, enc.ImageEmbeds.Buffer[j], 1e-4);
            Assert.Equal(e, enc.ImageEmbeds.Buffer[Dim + j], 1e-4);
        }

        Assert.NotNull(enc.HiddenStates);
        Assert.Equal([2, 1, 3], enc.HiddenStates!.ShapeArray());
        Assert.Equal(channel[0], enc.HiddenStates.Buffer[0], 1e-4);
        Assert.Equal(channel[2], enc.HiddenStates.Buffer[2], 1e-4);
    }

    [Fact]
    public async Task Clip_without_hidden_states_returns_only_embeddings()
    {
        using var encoder = new ClipStyleEncoder(new InferenceSession(EmbedderTestModels.ClipVision(Weights(1, 3 * Dim), Weights(2, Dim), size: 64, withHiddenStates: false).ToBytes()), ownsSession: true);
        Assert.False(encoder.HasHiddenStates);
        var enc = await encoder.EncodeAsync([RandomImage(90, 70, 1)]);
        Assert.Null(enc.HiddenStates);
        Assert.Equal([1, Dim], enc.ImageEmbeds.ShapeArray());
    }

    [Fact]
    public async Task Detector_aligner_and_embedder_compose_into_an_identity()
    {
        // One face set by construction whose landmarks are the ArcFace template ×2 shifted by (10, 20) on a 256² photo
        // (canvas 128, det_scale 0.5): stride 32, location (col 1, row 1) → centre (32, 32), index 2·(4 + 1) = 10.
        var heads = ScrfdHeads.Zeros(128, [8, 16, 32]);
        heads.Scores[2][10] = 0.8f;
        for (int k = 0; k < 4; k++)
        {
            heads.Boxes[2][40 + k] = 0.5f;
        }

        var expectedLandmarks = FaceAlignment.ArcFaceTemplate.Select(p => new System.Numerics.Vector2((p.X * 2) + 10, (p.Y * 2) + 20)).ToArray();
        for (int p = 0; p < 5; p++)
        {
            // offset·32 = landmark·det_scale − centre
            heads.Keypoints[2][100 + (2 * p)] = ((expectedLandmarks[p].X * 0.5f) - 32) / 32;
            heads.Keypoints[2][100 + (2 * p) + 1] = ((expectedLandmarks[p].Y * 0.5f) - 32) / 32;
        }

        using var detector = new ScrfdFaceDetector(new InferenceSession(ScrfdTestModel.Build(new ScrfdTestModelSpec(), heads).ToBytes()), ownsSession: true);
        float[] w = Weights(11, 3 * Dim), b = Weights(12, Dim);
        using var embedder = new ArcFaceEmbedder(new InferenceSession(EmbedderTestModels.ArcFace(w, b).ToBytes()), ownsSession: true);
        var photo = RandomImage(256, 256, 13);
        var identity = await new IdentityEncoder(detector, embedder).EncodeAsync([new IdentityPhoto("me.png", photo)]);

        var crop = FaceAligner.Crop(photo, expectedLandmarks);
        var e = Expected(crop, w, b, 127.5, 127.5);
        for (int j = 0; j < Dim; j++)
        {
            Assert.Equal(e[j], identity.Vector[j], 1e-4);
        }

        var report = Assert.Single(identity.Faces);
        Assert.Equal("me.png", report.Source);
        Assert.Equal(0.8f, report.Score, 1e-6f);
        Assert.Equal(64f, report.Size, 1e-3f); // (0.5 + 0.5)·32 canvas px / det_scale 0.5
    }

    [Fact]
    public async Task A_run_that_fails_in_OnnxRuntime_is_a_FaceStudioException_naming_the_component()
    {
        // The embeddings are reshaped to a fixed batch of 1, so two images pass the contract check but fail inside Run.
        var g = new GraphBuilder("clip_fixed_batch");
        string x = g.Input("pixel_values", OnnxElementType.Float, "batch", 3, 8, 8);
        g.Output("image_embeds", g.Reshape(g.ReduceMean(x, [2, 3], keepDims: false), 1, 3), OnnxElementType.Float, "batch", 3);
        using var encoder = new ClipStyleEncoder(new InferenceSession(new OnnxModelBuilder(g).ToBytes()), ownsSession: true);

        var ex = await Assert.ThrowsAsync<FaceStudioException>(() => encoder.EncodeAsync([RandomImage(8, 8, 1), RandomImage(8, 8, 2)]));
        Assert.Contains("CLIP vision encoder run failed", ex.Message, StringComparison.Ordinal);
        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
    }
}
