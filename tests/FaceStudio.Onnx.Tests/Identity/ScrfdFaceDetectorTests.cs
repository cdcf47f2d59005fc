using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;
using FaceStudio.Onnx.Demo.TestModels;
using FaceStudio.Onnx.Identity;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Identity;

public sealed class ScrfdFaceDetectorTests
{
    private static readonly int[] Strides = [8, 16, 32];

    /// <summary>
    /// Two faces set by construction on a 128 canvas: one at stride 16, location (col 3, row 2), second anchor
    /// (index 2·(8·2 + 3) + 1 = 39, centre (48, 32)); one at stride 32, location (col 0, row 1), first anchor
    /// (index 2·(4·1 + 0) = 8, centre (0, 32)); plus a weaker duplicate of the first at stride 8 that NMS removes.
    /// </summary>
    private static ScrfdHeads Heads()
    {
        var h = ScrfdHeads.Zeros(128, Strides);
        h.Scores[1][39] = 0.9f;
        h.Boxes[1][39 * 4] = 1f; h.Boxes[1][(39 * 4) + 1] = 1.5f; h.Boxes[1][(39 * 4) + 2] = 2f; h.Boxes[1][(39 * 4) + 3] = 0.5f;
        for (int p = 0; p < 5; p++)
        {
            h.Keypoints[1][(39 * 10) + (2 * p)] = -1f + (0.5f * p);
            h.Keypoints[1][(39 * 10) + (2 * p) + 1] = 0.25f * p;
        }

        h.Scores[2][8] = 0.6f;
        h.Boxes[2][8 * 4] = 0f; h.Boxes[2][(8 * 4) + 1] = 0.5f; h.Boxes[2][(8 * 4) + 2] = 1f; h.Boxes[2][(8 * 4) + 3] = 1f;

        // Stride 8, location (col 6, row 4) → centre (48, 32), index 2·(16·4 + 6) = 140: same box as the first face.
        h.Scores[0][140] = 0.7f;
        h.Boxes[0][140 * 4] = 2f; h.Boxes[0][(140 * 4) + 1] = 3f; h.Boxes[0][(140 * 4) + 2] = 4f; h.Boxes[0][(140 * 4) + 3] = 1f;
        return h;
    }

    private static ScrfdFaceDetector Detector(ScrfdTestModelSpec spec, ScrfdOptions? options = null) =>
        new(new InferenceSession(ScrfdTestModel.Build(spec, Heads()).ToBytes()), options, ownsSession: true);

    private static void AssertExpectedFaces(IReadOnlyList<DetectedFace> faces, float detScale)
    {
        Assert.Equal(2, faces.Count);
        // Face 1: centre (48, 32), stride 16: box (48 − 16, 32 − 24, 48 + 32, 32 + 8) / det_scale.
        var f = faces[0];
        Assert.Equal(0.9f, f.Score, 1e-6f);
        Assert.Equal(32 / detScale, f.Box.X, 1e-3f);
        Assert.Equal(8 / detScale, f.Box.Y, 1e-3f);
        Assert.Equal(80 / detScale, f.Box.Right, 1e-3f);
        Assert.Equal(40 / detScale, f.Box.Bottom, 1e-3f);
        for (int p = 0; p < 5; p++)
        {
            Assert.Equal((48 + (16 * (-1f + (0.5f * p)))) / detScale, f.Landmarks[p].X, 1e-3f);
            Assert.Equal((32 + (16 * 0.25f * p)) / detScale, f.Landmarks[p].Y, 1e-3f);
        }

        // Face 2: centre (0, 32), stride 32: box (0, 16, 32, 64) / det_scale; keypoints at the centre.
        var g = faces[1];
        Assert.Equal(0.6f, g.Score, 1e-6f);
        Assert.Equal(RegionBox.FromCorners(0, 16 / detScale, 32 / detScale, 64 / detScale), g.Box);
        Assert.All(g.Landmarks, l => Assert.Equal((0f, 32 / detScale), (l.X, l.Y)));
    }

    [Fact]
    public async Task Decodes_constant_heads_back_to_photo_pixels()
    {
        using var detector = Detector(new ScrfdTestModelSpec());
        // 256×192 photo: letterboxed to 128×96 at the top-left, det_scale = 96/192 = 0.5.
        var faces = await detector.DetectAsync(new RgbImage(256, 192));
        AssertExpectedFaces(faces, 0.5f);
    }

    [Fact]
    public async Task Takes_outputs_by_shape_whatever_their_order_and_batch_axis()
    {
        using var detector = Detector(new ScrfdTestModelSpec { OutputOrder = [8, 3, 0, 5, 1, 7, 6, 2, 4], BatchAxis = true });
        // Portrait 150×300: letterboxed to int(128/2) = 64 × 128, det_scale = 128/300.
        var faces = await detector.DetectAsync(new RgbImage(150, 300));
        AssertExpectedFaces(faces, 128f / 300f);
    }

    [Fact]
    public async Task Dynamic_canvas_takes_the_size_from_the_options()
    {
        using var detector = Detector(new ScrfdTestModelSpec { DynamicInput = true }, new ScrfdOptions { InputWidth = 128, InputHeight = 128 });
        AssertExpectedFaces(await detector.DetectAsync(new RgbImage(128, 128)), 1f);
    }

    [Fact]
    public async Task Input_is_normalised_as_x_minus_127_5_over_128()
    {
        // Every score gets 0.25·mean(input). A white 128² photo fills the canvas: mean (255 − 127.5)/128 = 0.99609375,
        // so a base score of 0.3 becomes 0.549 (kept); a black one gives 0.3 − 0.249 (dropped).
        var heads = ScrfdHeads.Zeros(128, Strides);
        heads.Scores[2][0] = 0.3f;
        var spec = new ScrfdTestModelSpec { ScoreInputGain = 0.25f };
        using var detector = new ScrfdFaceDetector(new InferenceSession(ScrfdTestModel.Build(spec, heads).ToBytes()), ownsSession: true);
        var white = new RgbImage(128, 128);
        Array.Fill(white.Pixels, (byte)255);
        var face = Assert.Single(await detector.DetectAsync(white));
        Assert.Equal(0.3f + (0.25f * 0.99609375f), face.Score, 1e-6f);
        Assert.Empty(await detector.DetectAsync(new RgbImage(128, 128)));
    }

    [Fact]
    public void Graph_with_the_wrong_number_of_outputs_is_rejected_at_load()
    {
        var twoLevels = new ScrfdTestModelSpec { Strides = [8, 16] };
        using var session = new InferenceSession(ScrfdTestModel.Build(twoLevels, ScrfdHeads.Zeros(128, [8, 16])).ToBytes());
        var ex = Assert.Throws<ModelContractException>(() => new ScrfdFaceDetector(session, modelName: "det.onnx"));
        Assert.Contains("det.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_file_is_a_contract_error_naming_it()
    {
        var ex = Assert.Throws<ModelContractException>(() => ScrfdFaceDetector.Load("/nonexistent/det_10g.onnx"));
        Assert.Contains("/nonexistent/det_10g.onnx", ex.Message, StringComparison.Ordinal);
    }
}
