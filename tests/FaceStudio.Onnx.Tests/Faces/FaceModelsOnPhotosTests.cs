using System.Numerics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Identity;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Faces;

/// <summary>
/// The shipped BlazeFace → FaceMesh → MobileFace backends (<see cref="BlazeFaceDetector"/>, <see cref="FaceMeshLandmarker"/>,
/// <see cref="MobileFaceEmbedder"/>, through the SDK's <see cref="IdentityEncoder"/>) on real public-domain photos
/// (tests/TestData/faces/photos, sources in its README).
/// </summary>
public sealed class FaceModelsOnPhotosTests(ITestOutputHelper output)
{
    private static readonly Lazy<Backends> s_backends = new(() => new Backends());

    private sealed class Backends
    {
        public Backends()
        {
            Detector = new BlazeFaceDetector(
                new InferenceSession(FaceModels.ReadAllBytes(FaceModels.BlazeFace)),
                new FaceMeshLandmarker(new InferenceSession(FaceModels.ReadAllBytes(FaceModels.FaceMesh)), ownsSession: true),
                ownsSession: true);
            Embedder = new MobileFaceEmbedder(new InferenceSession(FaceModels.ReadAllBytes(FaceModels.MobileFace)), ownsSession: true);
            Encoder = new IdentityEncoder(Detector, Embedder);
        }

        public BlazeFaceDetector Detector { get; }

        public MobileFaceEmbedder Embedder { get; }

        public IdentityEncoder Encoder { get; }
    }

    private static BlazeFaceDetector Detector => s_backends.Value.Detector;

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
        new SkiaImageCodec().Decode(Path.Combine(Root, "tests", "TestData", "faces", "photos", file));

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

    /// <summary>Pastes <paramref name="im"/> scaled by <paramref name="s"/> at (<paramref name="x"/>, <paramref name="y"/>) on a grey canvas.</summary>
    private static RgbImage Place(RgbImage im, int width, int height, float s, float x, float y)
    {
        var canvas = Resample(im, width, height, (u, v) => new Vector2(((u + 0.5f - x) / s) - 0.5f, ((v + 0.5f - y) / s) - 0.5f));
        for (int v = 0; v < height; v++)
        {
            for (int u = 0; u < width; u++)
            {
                float sx = (u + 0.5f - x) / s, sy = (v + 0.5f - y) / s;
                if (sx < 0 || sy < 0 || sx >= im.Width || sy >= im.Height)
                {
                    canvas.Pixels.AsSpan(((v * width) + u) * 3, 3).Fill(128);
                }
            }
        }

        return canvas;
    }

    private static async Task<float[]> EmbedAsync(RgbImage photo, string name)
    {
        var identity = await s_backends.Value.Encoder.EncodeAsync([new IdentityPhoto(name, photo)]);
        return identity.ToArray();
    }

    private static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    // ------------------------------------------------------------------------------------------------ tests

    [Fact]
    public async Task Portrait_has_one_face_with_box_and_five_points_where_a_person_puts_them()
    {
        var marks = Assert.Single(await Detector.DetectWithLandmarksAsync(Photo("astronaut.jpg")));
        var face = marks.Face;
        output.WriteLine($"{face}, confidence {marks.Confidence}, five {string.Join(" ", face.Landmarks)}");
        Assert.InRange(face.Score, 0.8f, 1f);
        Assert.InRange(marks.Confidence, 0.9f, 1f);
        Assert.Equal(FaceMeshGeometry.MeshPointCount, marks.Mesh.Count);

        // Checked by eye on an overlay of the photo (see the test data README): face box, eye centres, nose tip, mouth corners.
        var centre = new Vector2((face.Box.X + face.Box.Right) / 2, (face.Box.Y + face.Box.Bottom) / 2);
        Assert.InRange(Vector2.Distance(centre, new Vector2(225, 127)), 0f, 10f);
        Assert.InRange(Math.Max(face.Box.Width, face.Box.Height), 90f, 125f);
        Vector2[] expected = [new(204, 102), new(247, 104), new(223, 131), new(201, 139), new(246, 141)];
        for (int i = 0; i < 5; i++)
        {
            Assert.InRange(Vector2.Distance(face.Landmarks[i], expected[i]), 0f, 6f);
        }

        // The mesh's extremes span the face: chin (152) below the mouth, forehead (10) above the eyes.
        Assert.True(marks.Mesh[152].Y > expected[3].Y + 10 && marks.Mesh[10].Y < expected[0].Y - 10, $"chin {marks.Mesh[152]}, forehead {marks.Mesh[10]}");
    }

    [Theory]
    [InlineData("coffee.jpg")]
    [InlineData("chelsea-cat.jpg")]
    public async Task Photos_without_people_have_no_face(string file)
    {
        var photo = Photo(file);
        var candidates = await Detector.DetectCandidatesAsync(photo);
        output.WriteLine(string.Join("; ", candidates));
        Assert.Empty(await Detector.DetectAsync(photo));
        var error = await Assert.ThrowsAsync<FaceNotFoundException>(() => s_backends.Value.Encoder.EncodeAsync([new IdentityPhoto(file, photo)]));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tiled_group_has_three_faces_one_per_tile()
    {
        var faces = await Detector.DetectAsync(Photo("group-tiled.jpg"));
        output.WriteLine(string.Join("; ", faces));
        Assert.Equal(3, faces.Count);
        Assert.Equal([0, 1, 2], faces.Select(f => (int)((f.Box.X + f.Box.Right) / 2 / 240)).Order().ToArray());
        var each = await s_backends.Value.Encoder.EncodeEachFaceAsync(new IdentityPhoto("group", Photo("group-tiled.jpg")));
        Assert.Equal(3, each.Count);
    }

    [Theory]
    [InlineData("astronaut")]
    [InlineData("grace-hopper")]
    [InlineData("cameraman")]
    public async Task Same_person_flipped_rescaled_rotated_and_compressed_stays_similar(string person)
    {
        var photo = Photo(person + ".jpg");
        var original = await EmbedAsync(photo, person);
        foreach (var (name, variant) in new[] { ("flip", Flip(photo)), ("rescale 0.6", Rescale(photo, 0.6f)), ("rotate 10°", Rotate(photo, 10)), ("jpeg q30", Photo(person + "-q30.jpg")) })
        {
            float cos = Cosine(original, await EmbedAsync(variant, name));
            output.WriteLine($"{person} vs {name}: {cos:F3}");
            Assert.True(cos >= 0.7f, $"{person} vs {name}: cosine {cos}");
        }
    }

    [Fact]
    public async Task Different_people_stay_apart()
    {
        string[] names = ["astronaut", "grace-hopper", "cameraman"];
        var people = new float[names.Length][];
        for (int i = 0; i < names.Length; i++)
        {
            people[i] = await EmbedAsync(Photo(names[i] + ".jpg"), names[i]);
        }

        for (int i = 0; i < people.Length; i++)
        {
            for (int j = i + 1; j < people.Length; j++)
            {
                float cos = Cosine(people[i], people[j]);
                output.WriteLine($"{names[i]} vs {names[j]}: {cos:F3}");
                Assert.InRange(cos, -1f, 0.35f);
            }
        }
    }

    [Fact]
    public async Task A_face_too_small_for_the_detector_gives_the_usual_no_face_error()
    {
        // The portrait shrunk to 64 px in a 640 px frame: its face is about 14 px, ~6 px in BlazeFace's 256 canvas.
        var tiny = Place(Photo("astronaut.jpg"), 640, 640, 0.125f, 300, 300);
        Assert.Empty(await Detector.DetectAsync(tiny));
        await Assert.ThrowsAsync<FaceNotFoundException>(() => s_backends.Value.Encoder.EncodeAsync([new IdentityPhoto("tiny", tiny)]));

        // The same portrait at 0.5 scale (face ≈ 55 px, ≈ 22 px in the canvas) is still found.
        var small = Place(Photo("astronaut.jpg"), 640, 640, 0.5f, 200, 200);
        var face = Assert.Single(await Detector.DetectAsync(small));
        output.WriteLine($"half-size: {face}");
    }

    [Fact]
    public async Task A_face_cut_off_by_the_border_is_skipped()
    {
        // The portrait shifted so the frame's left edge runs through the nose: half a face.
        var photo = Photo("astronaut.jpg");
        var cut = Resample(photo, photo.Width - 223, photo.Height, (x, y) => new Vector2(x + 223, y));
        var candidates = await Detector.DetectCandidatesAsync(cut);
        output.WriteLine(string.Join("; ", candidates));
        var faces = await Detector.DetectWithLandmarksAsync(cut);
        output.WriteLine(string.Join("; ", faces.Select(f => $"{f.Face} confidence {f.Confidence}")));
        Assert.Empty(faces);
    }

    [Fact]
    public void Constructors_reject_a_model_with_another_contract()
    {
        using var mobileFace = new InferenceSession(FaceModels.ReadAllBytes(FaceModels.MobileFace));
        using var mesh = new FaceMeshLandmarker(new InferenceSession(FaceModels.ReadAllBytes(FaceModels.FaceMesh)), ownsSession: true);
        var error = Assert.Throws<Core.Errors.ModelContractException>(() => new BlazeFaceDetector(mobileFace, mesh, modelName: "mobileface.onnx"));
        Assert.Contains("classificators_1", error.Message, StringComparison.Ordinal);
        Assert.Throws<Core.Errors.ModelContractException>(() => new FaceMeshLandmarker(mobileFace, modelName: "mobileface.onnx"));
        using var blaze = new InferenceSession(FaceModels.ReadAllBytes(FaceModels.BlazeFace));
        Assert.Throws<Core.Errors.ModelContractException>(() => new MobileFaceEmbedder(blaze, modelName: "blazeface.onnx"));
    }
}
