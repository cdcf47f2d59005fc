using System.Text.Json;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Saves and loads an <see cref="IdentityEmbedding"/> as JSON, so an identity computed once can stand in for its photos:
/// <code>
/// { "format": "facestudio.identity/1", "dim": 512, "embedding": [ …512 numbers, unit length… ],
///   "sources": [ { "photo": "a.jpg", "face": 0, "faces": 1, "score": 0.91, "box": [x1, y1, x2, y2],
///                  "landmarks": [x0, y0, …, x4, y4], "belowMinimumSize": false } ] }
/// </code>
/// <c>sources</c> is informational and may be empty or absent. Loading checks the format tag, that <c>dim</c> matches
/// the vector, that every value is finite and that the vector has unit L2 norm (± 1e-3).
/// </summary>
public static class IdentityEmbeddingFile
{
    /// <summary>The format tag of this schema version.</summary>
    public const string Format = "facestudio.identity/1";

    /// <summary>Writes <paramref name="identity"/> to <paramref name="stream"/> as indented UTF-8 JSON.</summary>
    public static void Save(IdentityEmbedding identity, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("dim", identity.Dimension);
        w.WriteStartArray("embedding");
        foreach (float v in identity.Vector)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
        w.WriteStartArray("sources");
        foreach (var f in identity.Faces)
        {
            w.WriteStartObject();
            w.WriteString("photo", f.Source);
            w.WriteNumber("face", f.FaceIndex);
            w.WriteNumber("faces", f.FacesInPhoto);
            w.WriteNumber("score", f.Score);
            w.WriteStartArray("box");
            w.WriteNumberValue(f.Box.X);
            w.WriteNumberValue(f.Box.Y);
            w.WriteNumberValue(f.Box.Right);
            w.WriteNumberValue(f.Box.Bottom);
            w.WriteEndArray();
            w.WriteStartArray("landmarks");
            foreach (float v in f.Landmarks)
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
            w.WriteBoolean("belowMinimumSize", f.BelowMinimumSize);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="identity"/> to the file at <paramref name="path"/>.</summary>
    public static void Save(IdentityEmbedding identity, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(identity);
        OutputFile.Write(path, stream => Save(identity, stream));
    }

    /// <summary>Reads an identity from the file at <paramref name="path"/>.</summary>
    /// <exception cref="IdentityFileException">The file is not a valid identity document; the message says why.</exception>
    public static IdentityEmbedding Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new IdentityFileException(path, $"Identity file '{path}': expected a facestudio.identity/1 JSON file, but the file does not exist.");
        }

        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads an identity from <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="IdentityFileException">The document is not a valid identity; the message says why.</exception>
    public static IdentityEmbedding Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new IdentityFileException(name, $"Identity file '{name}': expected JSON, but it does not parse ({ex.Message}).", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(name, $"expected a JSON object, found {root.ValueKind}");
            }

            string? format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (format != Format)
            {
                throw Bad(name, $"expected \"format\": \"{Format}\", found {(format is null ? "none" : $"\"{format}\"")}");
            }

            if (!root.TryGetProperty("embedding", out var e) || e.ValueKind != JsonValueKind.Array)
            {
                throw Bad(name, "expected an \"embedding\" array of numbers, found none");
            }

            var vector = new float[e.GetArrayLength()];
            int i = 0;
            foreach (var item in e.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out float v) || !float.IsFinite(v))
                {
                    throw Bad(name, $"expected finite numbers in \"embedding\", found {item.GetRawText()} at index {i}");
                }

                vector[i++] = v;
            }

            if (!root.TryGetProperty("dim", out var d) || d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim))
            {
                throw Bad(name, "expected an integer \"dim\", found none");
            }

            if (dim != vector.Length || dim == 0)
            {
                throw Bad(name, $"\"dim\" is {dim} but \"embedding\" holds {vector.Length} values");
            }

            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
            if (Math.Abs(norm - 1f) > 1e-3f)
            {
                throw Bad(name, $"expected a unit-length embedding (L2 norm 1 ± 1e-3), found norm {norm.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }

            return new IdentityEmbedding(vector, ReadSources(root, name));
        }
    }

    private static List<FaceReport> ReadSources(JsonElement root, string name)
    {
        var list = new List<FaceReport>();
        if (!root.TryGetProperty("sources", out var s) || s.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        if (s.ValueKind != JsonValueKind.Array)
        {
            throw Bad(name, $"expected \"sources\" to be an array, found {s.ValueKind}");
        }

        try
        {
            foreach (var src in s.EnumerateArray())
            {
                var box = src.GetProperty("box").EnumerateArray().Select(x => x.GetSingle()).ToArray();
                var landmarks = src.TryGetProperty("landmarks", out var l) ? l.EnumerateArray().Select(x => x.GetSingle()).ToArray() : [];
                if (box.Length != 4)
                {
                    throw Bad(name, $"expected 4 numbers in a source's \"box\", found {box.Length}");
                }

                list.Add(new FaceReport(
                    src.GetProperty("photo").GetString() ?? "",
                    src.TryGetProperty("face", out var fi) ? fi.GetInt32() : 0,
                    src.TryGetProperty("faces", out var fc) ? fc.GetInt32() : 1,
                    RegionBox.FromCorners(box[0], box[1], box[2], box[3]),
                    src.TryGetProperty("score", out var sc) ? sc.GetSingle() : 0f,
                    landmarks,
                    src.TryGetProperty("belowMinimumSize", out var bm) && bm.GetBoolean()));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new IdentityFileException(name, $"Identity file '{name}': a \"sources\" entry is malformed ({ex.Message}).", ex);
        }

        return list;
    }

    private static IdentityFileException Bad(string name, string what) => new(name, $"Identity file '{name}': {what}.");
}
