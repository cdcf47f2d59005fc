using System.Numerics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Core.Tests.Identity;

/// <summary>Returns preset faces per photo (looked up by the image instance).</summary>
internal sealed class FakeDetector : IFaceDetector
{
    private readonly Dictionary<RgbImage, DetectedFace[]> _faces = [];

    public void Add(RgbImage image, params DetectedFace[] faces) => _faces[image] = faces;

    public Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DetectedFace>>(_faces.TryGetValue(image, out var f) ? f : []);

    /// <summary>A face whose landmarks are the ArcFace template scaled by <paramref name="s"/> and moved by (ox, oy).</summary>
    public static DetectedFace Face(float ox, float oy, float s, float score)
    {
        var lm = FaceAlignment.ArcFaceTemplate.Select(p => new Vector2((p.X * s) + ox, (p.Y * s) + oy)).ToArray();
        return new DetectedFace(RegionBox.FromCorners(ox, oy, ox + (112 * s), oy + (112 * s)), score, lm);
    }
}

/// <summary>
/// Embeds a crop as a vector whose components come from the crop's mean colour, so different photos give different,
/// predictable embeddings; records every batch.
/// </summary>
internal sealed class ColourEmbedder : IFaceEmbedder
{
    public List<IReadOnlyList<RgbImage>> Batches { get; } = [];

    public int InputSize => 112;

    public int Dimension => 4;

    public static float[] Raw(RgbImage crop)
    {
        double r = 0, g = 0, b = 0;
        for (int i = 0; i < crop.Pixels.Length; i += 3)
        {
            r += crop.Pixels[i];
            g += crop.Pixels[i + 1];
            b += crop.Pixels[i + 2];
        }

        int n = crop.Pixels.Length / 3;
        return [(float)(r / n) + 1, (float)(g / n), (float)(b / n), 1f];
    }

    public Task<FloatTensor> EmbedAsync(IReadOnlyList<RgbImage> alignedFaces, CancellationToken cancellationToken = default)
    {
        Batches.Add(alignedFaces);
        var t = new FloatTensor(alignedFaces.Count, Dimension);
        for (int i = 0; i < alignedFaces.Count; i++)
        {
            var v = Raw(alignedFaces[i]);
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            for (int j = 0; j < Dimension; j++)
            {
                t.Buffer[(i * Dimension) + j] = v[j] / norm;
            }
        }

        return Task.FromResult(t);
    }
}

internal sealed class ListLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, formatter(state, exception)));
}
