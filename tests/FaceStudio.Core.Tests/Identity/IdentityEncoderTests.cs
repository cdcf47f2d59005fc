using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Core.Tests.Identity;

public class IdentityEncoderTests
{
    private static RgbImage Solid(int w, int h, byte r, byte g, byte b)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < img.Pixels.Length; i += 3)
        {
            img.Pixels[i] = r;
            img.Pixels[i + 1] = g;
            img.Pixels[i + 2] = b;
        }

        return img;
    }

    private static float[] Unit(float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / n)).ToArray();
    }

    [Fact]
    public async Task Several_photos_average_their_normalised_embeddings()
    {
        // Solid photos: every pixel of an interior crop has the photo's colour, so each crop's embedding is known.
        var a = Solid(400, 400, 200, 10, 10);
        var b = Solid(400, 400, 10, 10, 250);
        var det = new FakeDetector();
        det.Add(a, FakeDetector.Face(100, 100, 1.5f, 0.9f));
        det.Add(b, FakeDetector.Face(80, 60, 2f, 0.8f));
        var emb = new ColourEmbedder();
        var encoder = new IdentityEncoder(det, emb);

        var id = await encoder.EncodeAsync([new IdentityPhoto("a.jpg", a), new IdentityPhoto("b.jpg", b)]);

        var ea = Unit([201, 10, 10, 1]);
        var eb = Unit([11, 10, 250, 1]);
        var expected = Unit(ea.Zip(eb, (x, y) => (x + y) / 2).ToArray());
        Assert.Equal(4, id.Dimension);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], id.Vector[i], 1e-5f);
        }

        Assert.Single(emb.Batches); // one batched embedder run for all photos
        Assert.Equal(["a.jpg", "b.jpg"], id.Faces.Select(f => f.Source));
        Assert.Equal(0.9f, id.Faces[0].Score);
        Assert.Equal(168f, id.Faces[0].Size);
    }

    [Fact]
    public async Task Largest_and_indexed_selection_pick_different_faces()
    {
        // Left half red, right half green; a small confident face on the left, a large less confident one on the right.
        var photo = Solid(800, 400, 255, 0, 0);
        for (int y = 0; y < 400; y++)
        {
            for (int x = 400; x < 800; x++)
            {
                photo.Pixels[((y * 800) + x) * 3] = 0;
                photo.Pixels[(((y * 800) + x) * 3) + 1] = 255;
            }
        }

        var det = new FakeDetector();
        det.Add(photo, FakeDetector.Face(50, 50, 1f, 0.95f), FakeDetector.Face(450, 20, 3f, 0.7f));
        var encoder = new IdentityEncoder(det, new ColourEmbedder());
        var p = new IdentityPhoto("group.png", photo);

        var largest = await encoder.EncodeAsync([p]);
        Assert.Equal(1, largest.Faces[0].FaceIndex);
        Assert.Equal(2, largest.Faces[0].FacesInPhoto);
        Assert.True(largest.Vector[1] > largest.Vector[0]); // green crop

        var first = await encoder.EncodeAsync([p], FaceSelection.AtIndex(0));
        Assert.Equal(0, first.Faces[0].FaceIndex);
        Assert.True(first.Vector[0] > first.Vector[1]); // red crop

        var each = await encoder.EncodeEachFaceAsync(p);
        Assert.Equal(2, each.Count);
        Assert.Equal(first.Vector.ToArray(), each[0].Vector.ToArray());
        Assert.Equal(largest.Vector.ToArray(), each[1].Vector.ToArray());
    }

    [Fact]
    public async Task Photo_without_a_face_raises_a_typed_error_naming_it()
    {
        var det = new FakeDetector();
        var good = Solid(300, 300, 1, 2, 3);
        det.Add(good, FakeDetector.Face(50, 50, 1f, 0.9f));
        var encoder = new IdentityEncoder(det, new ColourEmbedder());
        var ex = await Assert.ThrowsAsync<FaceNotFoundException>(() =>
            encoder.EncodeAsync([new IdentityPhoto("ok.jpg", good), new IdentityPhoto("holiday/beach.jpg", Solid(10, 10, 0, 0, 0))]));
        Assert.Equal("holiday/beach.jpg", ex.PhotoName);
        Assert.Contains("holiday/beach.jpg", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FaceStudioException>(ex);

        var idx = await Assert.ThrowsAsync<FaceNotFoundException>(() => encoder.EncodeAsync([new IdentityPhoto("ok.jpg", good)], FaceSelection.AtIndex(3)));
        Assert.Contains("face #3", idx.Message, StringComparison.Ordinal);
        Assert.Contains("1 face", idx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Small_face_warns_and_is_flagged_but_still_used()
    {
        var det = new FakeDetector();
        var photo = Solid(300, 300, 9, 9, 9);
        det.Add(photo, FakeDetector.Face(10, 10, 0.25f, 0.9f)); // 28 px box
        var logger = new ListLogger<IdentityEncoder>();
        var encoder = new IdentityEncoder(det, new ColourEmbedder(), new IdentityEncoderOptions { MinimumFaceSize = 64 }, logger);
        var id = await encoder.EncodeAsync([new IdentityPhoto("tiny.jpg", photo)]);
        Assert.True(id.Faces[0].BelowMinimumSize);
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("tiny.jpg", warning.Message, StringComparison.Ordinal);
        Assert.Contains("28", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_photo_list_and_bad_options_are_rejected()
    {
        var encoder = new IdentityEncoder(new FakeDetector(), new ColourEmbedder());
        await Assert.ThrowsAsync<FaceStudioValidationException>(() => encoder.EncodeAsync([]));
        Assert.Throws<FaceStudioValidationException>(() => new IdentityEncoder(new FakeDetector(), new ColourEmbedder(), new IdentityEncoderOptions { MinimumFaceSize = -1 }));
        Assert.Throws<FaceStudioValidationException>(() => FaceSelection.AtIndex(-1));
    }

    [Fact]
    public void Average_of_one_embedding_is_its_normalisation()
    {
        var id = IdentityEmbedding.Average([[3f, 4f]], []);
        Assert.Equal(0.6f, id.Vector[0], 1e-6f);
        Assert.Equal(0.8f, id.Vector[1], 1e-6f);
        Assert.Throws<FaceStudioValidationException>(() => IdentityEmbedding.FromVector([0f, 0f]));
    }
}

public class IdentitySimilarityTests
{
    [Fact]
    public void Cosine_matches_the_formula()
    {
        Assert.Equal(1f, IdentitySimilarity.Cosine([1f, 2f, 3f], [2f, 4f, 6f]), 1e-6f);
        Assert.Equal(0f, IdentitySimilarity.Cosine([1f, 0f], [0f, 5f]), 1e-6f);
        // (1·4 + 2·−1) / (√5 · √17)
        Assert.Equal((float)(2 / (Math.Sqrt(5) * Math.Sqrt(17))), IdentitySimilarity.Cosine([1f, 2f], [4f, -1f]), 1e-6f);
        Assert.Throws<FaceStudioValidationException>(() => IdentitySimilarity.Cosine([1f], [1f, 2f]));
    }

    [Fact]
    public async Task Scores_every_face_of_a_generated_image()
    {
        var img = new RgbImage(800, 400);
        for (int y = 0; y < 400; y++)
        {
            for (int x = 0; x < 400; x++)
            {
                img.Pixels[((y * 800) + x) * 3] = 200;
            }
        }

        var det = new FakeDetector();
        det.Add(img, FakeDetector.Face(100, 100, 1f, 0.9f), FakeDetector.Face(500, 100, 1f, 0.8f));
        var identity = IdentityEmbedding.FromVector([201f, 0f, 0f, 1f]); // what ColourEmbedder gives a red crop
        var scorer = new IdentitySimilarity(det, new ColourEmbedder());
        var result = await scorer.ScoreAsync(identity, img);
        Assert.Equal(2, result.Count);
        Assert.Equal(1f, result[0].Similarity, 1e-5f);
        // Black crop embeds as (1, 0, 0, 1)/√2.
        float expected = (float)(((201.0 * 1) + 1) / (Math.Sqrt((201.0 * 201) + 1) * Math.Sqrt(2)));
        Assert.Equal(expected, result[1].Similarity, 1e-5f);

        Assert.Empty(await scorer.ScoreAsync(identity, new RgbImage(10, 10)));
    }
}

public class IdentityMixTests
{
    [Fact]
    public void Mix_is_the_weighted_sum_renormalised()
    {
        var a = IdentityEmbedding.FromVector([1f, 0f, 0f]);
        var b = IdentityEmbedding.FromVector([0f, 1f, 0f]);
        var mix = IdentityEmbedding.Mix([(a, 0.75f), (b, 0.25f)]);
        // (0.75, 0.25, 0) / √(0.75² + 0.25²)
        double n = Math.Sqrt((0.75 * 0.75) + (0.25 * 0.25));
        Assert.Equal(0.75 / n, mix.Vector[0], 1e-6);
        Assert.Equal(0.25 / n, mix.Vector[1], 1e-6);
        Assert.Equal(0f, mix.Vector[2]);
        Assert.Throws<FaceStudio.Core.Errors.FaceStudioValidationException>(() => IdentityEmbedding.Mix([(a, 1f), (b, 0f), (IdentityEmbedding.FromVector([1f, 0f]), 1f)]));
        Assert.Throws<FaceStudio.Core.Errors.FaceStudioValidationException>(() => IdentityEmbedding.Mix([(a, 1f), (a, -1f)]));
    }
}

public class IdentityInputTests
{
    [Fact]
    public async Task Embedding_stands_in_for_photos_and_photos_are_encoded()
    {
        var img = new RgbImage(300, 300);
        var det = new FakeDetector();
        det.Add(img, FakeDetector.Face(50, 50, 1f, 0.9f));
        var embedder = new ColourEmbedder();
        var encoder = new IdentityEncoder(det, embedder);

        var given = IdentityEmbedding.FromVector([0f, 3f, 4f, 0f]);
        Assert.Same(given, await IdentityInput.FromEmbedding(given).ResolveAsync(encoder));
        Assert.Empty(embedder.Batches); // no model run for a precomputed identity

        var fromPhotos = await IdentityInput.FromPhotos(new IdentityPhoto("p.png", img)).ResolveAsync(encoder);
        double n = Math.Sqrt(2); // black crop → (1, 0, 0, 1)/√2
        Assert.Equal(1 / n, fromPhotos.Vector[0], 1e-6);
        Assert.Equal(1 / n, fromPhotos.Vector[3], 1e-6);
    }
}
