using FaceStudio.Core.Imaging;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Identity;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Identity;

/// <summary>The detector backend runs the writer's image-dependent random demo detector (the one <c>DemoFaceModels.Random</c> packs ship).</summary>
public sealed class DemoDetectorCompatibilityTests
{
    [Fact]
    public async Task Bright_square_is_found_where_it_is_and_a_dark_photo_has_no_face()
    {
        // Heads fire where the stride cell's mean normalised value exceeds 0.5; every anchor predicts distances of one
        // stride, so each box is centred on its anchor centre, the top-left corner of a firing cell.
        var spec = new FaceDetectorSpec { InputHeight = 128, InputWidth = 128 };
        var weights = FaceDetectorWeights.Constructed(spec, 20f, 0.5f, [1f, 1f, 1f, 1f], new float[10]);
        using var detector = new ScrfdFaceDetector(new InferenceSession(FaceDetectorModel.Build(spec, weights).ToBytes()), ownsSession: true);

        // 256×256 photo (det_scale 0.5) with a white square covering canvas [64, 96) × [32, 64), aligned to every stride.
        var photo = new RgbImage(256, 256);
        for (int y = 64; y < 128; y++)
        {
            photo.Row(y).Slice(128 * 3, 64 * 3).Fill(255);
        }

        var faces = await detector.DetectAsync(photo);
        Assert.NotEmpty(faces);
        Assert.All(faces, f =>
        {
            float cx = (f.Box.X + f.Box.Right) / 2, cy = (f.Box.Y + f.Box.Bottom) / 2;
            Assert.InRange(cx, 128f, 191f);
            Assert.InRange(cy, 64f, 127f);
            Assert.True(f.Score > 0.99f);
        });

        Assert.Empty(await detector.DetectAsync(new RgbImage(256, 256)));
    }
}
