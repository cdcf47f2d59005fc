using FaceStudio.Onnx.Demo.Writer.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Writer.Models;

public sealed class IdentityModelTests
{
    [Fact]
    public void ConstructedDetectorFiresOnlyOnTheBrightCellWithTheGivenBoxAndKeypoints()
    {
        var spec = new FaceDetectorSpec { InputHeight = 64, InputWidth = 64 };
        float[] box = [1f, 2f, 3f, 4f];
        float[] kps = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f];
        FaceDetectorWeights w = FaceDetectorWeights.Constructed(spec, gain: 20f, brightness: 0.5f, box, kps);

        // White 32×32 square at x 32..63, y 0..31 on black: stride-32 cell (y 0, x 1) is fully bright.
        var image = new float[3 * 64 * 64];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 32; y++)
            {
                for (int x = 32; x < 64; x++)
                {
                    image[(c * 4096) + (y * 64) + x] = 1f;
                }
            }
        }

        using var session = new InferenceSession(FaceDetectorModel.Build(spec, w).ToBytes());
        Assert.Equal(["score_8", "score_16", "score_32", "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32"], session.OutputMetadata.Keys);
        Dictionary<string, float[]> o = OrtRunner.Run(session, ("input.1", image, [1, 3, 64, 64]));
        Assert.Equal(8 * 8 * 2, o["score_8"].Length);
        Assert.Equal(2 * 2 * 2 * 4, o["bbox_32"].Length);
        Assert.Equal(2 * 2 * 2 * 10, o["kps_32"].Length);

        // Stride 32: locations (0,0),(0,1),(1,0),(1,1) × 2 anchors; only location 1 (anchors 2, 3) is bright.
        float hi = 1f / (1f + MathF.Exp(-20f * 0.5f)), lo = 1f / (1f + MathF.Exp(20f * 0.5f));
        Reference.AssertClose([lo, lo, hi, hi, lo, lo, lo, lo], o["score_32"], 1e-5f);
        for (int anchor = 0; anchor < 8; anchor++)
        {
            Reference.AssertClose(box, o["bbox_32"].AsSpan(anchor * 4, 4), 1e-6f);
            Reference.AssertClose(kps, o["kps_16"].AsSpan(anchor * 10, 10), 1e-6f);
        }

        // Stride 8: location (y 0, x 4) is inside the square, (y 4, x 0) is not.
        Assert.Equal(hi, o["score_8"][((0 * 8) + 4) * 2], 5);
        Assert.Equal(lo, o["score_8"][((4 * 8) + 0) * 2], 5);
    }

    [Fact]
    public void ArcFaceStyleEmbedderMatchesPooledLinearFormula()
    {
        ImageEmbedderSpec spec = ImageEmbedderSpec.ArcFace;
        ImageEmbedderWeights w = ImageEmbedderWeights.Random(spec, 21);
        float[] faces = Reference.Random(2 * 3 * 112 * 112, 13);
        float[] actual = OrtRunner.Run(ImageEmbedderModel.Build(spec, w).ToBytes(), ("input.1", faces, [2, 3, 112, 112]))["embedding"];

        var expected = new float[2 * 512];
        for (int n = 0; n < 2; n++)
        {
            var features = new double[147];
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 112; y++)
                {
                    for (int x = 0; x < 112; x++)
                    {
                        features[(c * 49) + ((y / 16) * 7) + (x / 16)] += faces[(((n * 3) + c) * 12544) + (y * 112) + x] / 256.0;
                    }
                }
            }

            for (int e = 0; e < 512; e++)
            {
                double s = w.Bias[e];
                for (int f = 0; f < 147; f++)
                {
                    s += features[f] * w.Projection[(f * 512) + e];
                }

                expected[(n * 512) + e] = (float)s;
            }
        }

        Reference.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void ClipVisionContractHasPixelValuesAndImageEmbeds()
    {
        ImageEmbedderSpec spec = ImageEmbedderSpec.ClipVision;
        using var session = new InferenceSession(ImageEmbedderModel.Build(spec, ImageEmbedderWeights.Random(spec, 1)).ToBytes());
        Assert.Equal([-1, 3, 224, 224], session.InputMetadata["pixel_values"].Dimensions);
        Assert.Equal([-1, 64], session.OutputMetadata["image_embeds"].Dimensions);
    }

    [Fact]
    public void ProjectorMatchesConcatLinearFormula()
    {
        var spec = new ProjectorSpec { FaceEmbeddingSize = 6, ImageEmbeddingSize = 3, Tokens = 2, TokenDim = 4 };
        ProjectorWeights w = ProjectorWeights.Random(spec, 8);
        float[] face = Reference.Random(2 * 6, 1), image = Reference.Random(2 * 3, 2);
        float[] actual = OrtRunner.Run(ProjectorModel.Build(spec, w).ToBytes(), ("face_embeds", face, [2, 6]), ("image_embeds", image, [2, 3]))["tokens"];
        var expected = new float[2 * 8];
        for (int n = 0; n < 2; n++)
        {
            float[] joined = [.. face.AsSpan(n * 6, 6), .. image.AsSpan(n * 3, 3)];
            for (int o = 0; o < 8; o++)
            {
                double s = w.Bias[o];
                for (int i = 0; i < 9; i++)
                {
                    s += joined[i] * w.Projection[(i * 8) + o];
                }

                expected[(n * 8) + o] = (float)s;
            }
        }

        Reference.AssertClose(expected, actual, 1e-5f);
    }
}
