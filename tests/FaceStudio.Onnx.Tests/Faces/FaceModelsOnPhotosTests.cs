using System.Numerics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Faces;

/// <summary>
/// The converted BlazeFace → FaceMesh → MobileFace chain on real public-domain photos (tests/data/faces/photos), through a
/// small test-side reference of each model's documented contract (src/FaceStudio.Models.Faces/README.md): letterbox,
/// MediaPipe anchors and decoding, greedy NMS, the rotated 1.5× FaceMesh crop, the five points from mesh indices, the
/// SDK's ArcFace alignment, MobileFace on 0…255 RGB. It pins what the models can do; the SDK backends come separately.
/// </summary>
public sealed class FaceModelsOnPhotosTests(ITestOutputHelper output)
{
    private const float DetectorThreshold = 0.5f;
    private const float FaceFlagThreshold = 0.5f;

    private static readonly Lazy<Models> s_models = new(() => new Models());

    private sealed record Face(float Score, Vector2 Center, float Size, Vector2[] Keypoints, Vector2[] Five, float FaceFlag);

    private sealed class Models
    {
        public Models()
        {
            string dir = Path.Combine(Root, "src", "FaceStudio.Models.Faces", "models");
            Detector = new InferenceSession(Path.Combine(dir, "blazeface.onnx"));
            Mesh = new InferenceSession(Path.Combine(dir, "facemesh.onnx"));
            Embedder = new InferenceSession(Path.Combine(dir, "mobileface.onnx"));
        }

        public InferenceSession Detector { get; }

        public InferenceSession Mesh { get; }

        public InferenceSession Embedder { get; }
    }

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No FaceStudio.Core.sln above '{AppContext.BaseDirectory}'.");
        }
    }

    private static RgbImage Photo(string file) =>
        new SkiaImageCodec().Decode(Path.Combine(Root, "tests", "data", "faces", "photos", file));

    // ------------------------------------------------------------------------------------------------ image helpers

    private static float Sample(RgbImage im, float x, float y, int ch)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        float P(int xx, int yy) => xx < 0 || yy < 0 || xx >= im.Width || yy >= im.Height ? 0 : im.Pixels[(((yy * im.Width) + xx) * 3) + ch];
        return (((P(x0, y0) * (1 - fx)) + (P(x0 + 1, y0) * fx)) * (1 - fy)) + (((P(x0, y0 + 1) * (1 - fx)) + (P(x0 + 1, y0 + 1) * fx)) * fy);
    }

    /// <summary>Output pixel (x, y) takes the photo at map(x, y), bilinear, black outside.</summary>
    private static RgbImage Resample(RgbImage src, int width, int height, Func<float, float, Vector2> map)
    {
        var dst = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var p = map(x, y);
                for (int c = 0; c < 3; c++)
                {
                    dst.Pixels[(((y * width) + x) * 3) + c] = (byte)Math.Clamp(MathF.Round(Sample(src, p.X, p.Y, c)), 0, 255);
                }
            }
        }

        return dst;
    }

    private static RgbImage Flip(RgbImage im) => Resample(im, im.Width, im.Height, (x, y) => new Vector2(im.Width - 1 - x, y));

    private static RgbImage Rescale(RgbImage im, float s) =>
        Resample(im, (int)(im.Width * s), (int)(im.Height * s), (x, y) => new Vector2(((x + 0.5f) / s) - 0.5f, ((y + 0.5f) / s) - 0.5f));

    private static RgbImage Rotate(RgbImage im, float degrees)
    {
        float a = degrees * MathF.PI / 180, cx = im.Width / 2f, cy = im.Height / 2f;
        return Resample(im, im.Width, im.Height, (x, y) => new Vector2(
            cx + ((x - cx) * MathF.Cos(a)) - ((y - cy) * MathF.Sin(a)), cy + ((x - cx) * MathF.Sin(a)) + ((y - cy) * MathF.Cos(a))));
    }

    // ------------------------------------------------------------------------------------------------ the chain

    private static List<Face> Faces(RgbImage im)
    {
        var models = s_models.Value;
        const int N = 256;
        float s = (float)N / Math.Max(im.Width, im.Height);
        var input = new DenseTensor<float>([1, 3, N, N]);
        for (int y = 0; y < N; y++)
        {
            for (int x = 0; x < N; x++)
            {
                bool inside = x < im.Width * s && y < im.Height * s;
                for (int c = 0; c < 3; c++)
                {
                    float v = inside ? Sample(im, Math.Clamp(((x + 0.5f) / s) - 0.5f, 0, im.Width - 1), Math.Clamp(((y + 0.5f) / s) - 0.5f, 0, im.Height - 1), c) : 0;
                    input[0, c, y, x] = (v / 127.5f) - 1f;
                }
            }
        }

        using var res = models.Detector.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        float[] Get(string n) => res.Single(r => r.Name == n).AsTensor<float>().ToArray();
        var scores = Get("classificators_1").Concat(Get("classificators_2")).ToArray();
        var reg = Get("regressors_1").Concat(Get("regressors_2")).ToArray();

        // MediaPipe anchors: 16×16 cells × 2, then 8×8 cells × 6; centres ((col + 0.5)/grid, (row + 0.5)/grid).
        var anchors = new List<Vector2>();
        foreach (var (grid, per) in new[] { (16, 2), (8, 6) })
        {
            for (int row = 0; row < grid; row++)
            {
                for (int col = 0; col < grid; col++)
                {
                    for (int k = 0; k < per; k++)
                    {
                        anchors.Add(new Vector2((col + 0.5f) / grid, (row + 0.5f) / grid));
                    }
                }
            }
        }

        Assert.Equal(896, anchors.Count);
        var candidates = new List<(float Score, Vector2 Center, float W, float H, Vector2[] Kp)>();
        for (int i = 0; i < 896; i++)
        {
            float p = 1f / (1f + MathF.Exp(-Math.Clamp(scores[i], -100f, 100f)));
            if (p < DetectorThreshold)
            {
                continue;
            }

            var r = reg.AsSpan(i * 16, 16);
            Vector2 ToPhoto(float nx, float ny) => new(nx * N / s, ny * N / s);
            var kp = new Vector2[6];
            for (int k = 0; k < 6; k++)
            {
                kp[k] = ToPhoto((r[4 + (2 * k)] / N) + anchors[i].X, (r[5 + (2 * k)] / N) + anchors[i].Y);
            }

            candidates.Add((p, ToPhoto((r[0] / N) + anchors[i].X, (r[1] / N) + anchors[i].Y), r[2] / s, r[3] / s, kp));
        }

        var faces = new List<Face>();
        var kept = new List<(float Score, Vector2 Center, float W, float H, Vector2[] Kp)>();
        foreach (var d in candidates.OrderByDescending(d => d.Score))
        {
            if (kept.Any(k => IoU(d.Center, d.W, d.H, k.Center, k.W, k.H) > 0.3f))
            {
                continue;
            }

            kept.Add(d);
            var (five, flag) = Landmarks(im, d.Center, Math.Max(d.W, d.H), d.Kp);
            faces.Add(new Face(d.Score, d.Center, Math.Max(d.W, d.H), d.Kp, five, flag));
        }

        return faces;
    }

    private static float IoU(Vector2 c1, float w1, float h1, Vector2 c2, float w2, float h2)
    {
        float ix = Math.Max(0, Math.Min(c1.X + (w1 / 2), c2.X + (w2 / 2)) - Math.Max(c1.X - (w1 / 2), c2.X - (w2 / 2)));
        float iy = Math.Max(0, Math.Min(c1.Y + (h1 / 2), c2.Y + (h2 / 2)) - Math.Max(c1.Y - (h1 / 2), c2.Y - (h2 / 2)));
        float inter = ix * iy;
        return inter / ((w1 * h1) + (w2 * h2) - inter);
    }

    /// <summary>FaceMesh on the 1.5× square around the box, rotated so the eyes are level; the five points in photo pixels.</summary>
    private static (Vector2[] Five, float Flag) Landmarks(RgbImage im, Vector2 center, float size, Vector2[] kp)
    {
        const int N = 192;
        float side = 1.5f * size;
        float angle = MathF.Atan2(kp[1].Y - kp[0].Y, kp[1].X - kp[0].X);
        float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
        Vector2 ToPhoto(float u, float v)
        {
            float lx = ((u / N) - 0.5f) * side, ly = ((v / N) - 0.5f) * side;
            return new Vector2(center.X + (cos * lx) - (sin * ly), center.Y + (sin * lx) + (cos * ly));
        }

        var input = new DenseTensor<float>([1, 3, N, N]);
        for (int y = 0; y < N; y++)
        {
            for (int x = 0; x < N; x++)
            {
                var p = ToPhoto(x + 0.5f, y + 0.5f);
                for (int c = 0; c < 3; c++)
                {
                    input[0, c, y, x] = Sample(im, p.X - 0.5f, p.Y - 0.5f, c) / 255f;
                }
            }
        }

        using var res = s_models.Value.Mesh.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var mesh = res.Single(r => r.Name == "output_mesh").AsTensor<float>().ToArray();
        float flag = res.Single(r => r.Name == "output_faceflag").AsTensor<float>().ToArray()[0];
        Vector2 M(int i) => ToPhoto(mesh[i * 3], mesh[(i * 3) + 1]);
        return ([(M(33) + M(133)) / 2, (M(362) + M(263)) / 2, M(1), M(61), M(291)], flag);
    }

    private static List<Face> ConfirmedFaces(RgbImage im) => Faces(im).Where(f => f.FaceFlag >= FaceFlagThreshold).ToList();

    private static float[] Embed(RgbImage photo)
    {
        var face = Assert.Single(ConfirmedFaces(photo));
        var crop = FaceAligner.Crop(photo, face.Five);
        var input = new DenseTensor<float>([1, 3, 112, 112]);
        for (int y = 0; y < 112; y++)
        {
            for (int x = 0; x < 112; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    input[0, c, y, x] = crop.Pixels[(((y * 112) + x) * 3) + c];
                }
            }
        }

        using var res = s_models.Value.Embedder.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var e = res.Single().AsTensor<float>().ToArray();
        float norm = MathF.Sqrt(e.Sum(v => v * v));
        return e.Select(v => v / norm).ToArray();
    }

    private static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    // ------------------------------------------------------------------------------------------------ tests

    [Fact]
    public void Portrait_has_one_face_with_box_and_five_points_where_a_person_puts_them()
    {
        var face = Assert.Single(ConfirmedFaces(Photo("astronaut.jpg")));
        output.WriteLine($"score {face.Score}, flag {face.FaceFlag}, centre {face.Center}, size {face.Size}, five {string.Join(" ", face.Five)}");
        Assert.InRange(face.Score, 0.8f, 1f);
        Assert.InRange(face.FaceFlag, 0.9f, 1f);
        // Checked by eye on an overlay: face centre, eye centres, nose tip, mouth corners (photo pixels).
        Assert.InRange(Vector2.Distance(face.Center, new Vector2(225, 127)), 0f, 10f);
        Assert.InRange(face.Size, 90f, 125f);
        Vector2[] expected = [new(204, 102), new(247, 104), new(223, 131), new(201, 139), new(246, 141)];
        for (int i = 0; i < 5; i++)
        {
            Assert.InRange(Vector2.Distance(face.Five[i], expected[i]), 0f, 6f);
        }
    }

    [Theory]
    [InlineData("coffee.jpg")]
    [InlineData("chelsea-cat.jpg")]
    public void Photos_without_people_have_no_confirmed_face(string file)
    {
        var faces = Faces(Photo(file));
        output.WriteLine(string.Join("; ", faces.Select(f => $"candidate score {f.Score}, flag {f.FaceFlag}")));
        Assert.All(faces, f => Assert.True(f.FaceFlag < FaceFlagThreshold, $"face flag {f.FaceFlag} at detector score {f.Score}"));
    }

    [Fact]
    public void Tiled_group_has_three_faces_one_per_tile()
    {
        var faces = ConfirmedFaces(Photo("group-tiled.jpg"));
        output.WriteLine(string.Join("; ", faces.Select(f => $"score {f.Score}, flag {f.FaceFlag}, centre {f.Center}")));
        Assert.Equal(3, faces.Count);
        Assert.Equal(new[] { 0, 1, 2 }, faces.Select(f => (int)(f.Center.X / 240)).Order().ToArray());
    }

    [Theory]
    [InlineData("astronaut")]
    [InlineData("grace-hopper")]
    [InlineData("cameraman")]
    public void Same_person_flipped_rescaled_rotated_and_compressed_stays_similar(string person)
    {
        var photo = Photo(person + ".jpg");
        var original = Embed(photo);
        foreach (var (name, variant) in new[] { ("flip", Flip(photo)), ("rescale 0.6", Rescale(photo, 0.6f)), ("rotate 10°", Rotate(photo, 10)), ("jpeg q30", Photo(person + "-q30.jpg")) })
        {
            float cos = Cosine(original, Embed(variant));
            output.WriteLine($"{person} vs {name}: {cos}");
            Assert.True(cos >= 0.7f, $"{person} vs {name}: cosine {cos}");
        }
    }

    [Fact]
    public void Different_people_stay_apart()
    {
        var people = new[] { "astronaut", "grace-hopper", "cameraman" }.Select(p => Embed(Photo(p + ".jpg"))).ToArray();
        for (int i = 0; i < people.Length; i++)
        {
            for (int j = i + 1; j < people.Length; j++)
            {
                output.WriteLine($"{i} vs {j}: {Cosine(people[i], people[j])}");
                Assert.InRange(Cosine(people[i], people[j]), -1f, 0.35f);
            }
        }
    }
}
