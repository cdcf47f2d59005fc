using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;

namespace FaceStudio.Jobs;

/// <summary>
/// A <see cref="GenerationRequest"/> as a broker stores it: settings inline, images as PNG blobs named by their
/// SHA-256 (stored once, shared by every job that sends the same picture).
/// </summary>
internal sealed record JobPayload
{
    public int Version { get; init; } = 1;

    public required string Prompt { get; init; }

    public string? NegativePrompt { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    public int Steps { get; init; }

    public required string Scheduler { get; init; }

    public float GuidanceScale { get; init; }

    public float? IdentityGuidanceScale { get; init; }

    public float Alpha { get; init; }

    public GuidanceFlavor? Flavor { get; init; }

    public long? Seed { get; init; }

    public int BatchCount { get; init; } = 1;

    public IReadOnlyList<JobIdentity> Identities { get; init; } = [];

    public JobStyle? Style { get; init; }

    /// <summary>Every blob hash the payload names.</summary>
    public IEnumerable<string> BlobHashes() =>
        Identities.SelectMany(i => i.Photos.Select(p => p.Sha256)).Concat(Style is { } s ? [s.Sha256] : []).Distinct(StringComparer.Ordinal);

    /// <summary>The payload of <paramref name="request"/> and the PNG blobs it names (hash → bytes).</summary>
    public static JobPayload FromRequest(GenerationRequest request, IImageCodec codec, out IReadOnlyDictionary<string, byte[]> blobs)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(codec);
        var store = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string Put(RgbImage image)
        {
            using var png = new MemoryStream();
            codec.EncodePng(image, png);
            byte[] bytes = png.ToArray();
            string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            store.TryAdd(hash, bytes);
            return hash;
        }

        var identities = new List<JobIdentity>(request.Identities.Count);
        foreach (IdentityInput identity in request.Identities)
        {
            if (identity.Region is not null)
            {
                throw new NotSupportedException("Jobs do not carry explicit identity regions; leave Region null (automatic regions).");
            }

            identities.Add(new JobIdentity
            {
                Photos = [.. identity.Photos.Select(p => new JobImageRef(p.Name, Put(p.Image)))],
                Embedding = identity.Embedding?.ToArray(),
                Scale = identity.Scale,
                SelectIndex = identity.Selection is { Mode: FaceSelectionMode.ByIndex } s ? s.Index : null,
            });
        }

        var payload = new JobPayload
        {
            Prompt = request.Prompt,
            NegativePrompt = request.NegativePrompt,
            Width = request.Width,
            Height = request.Height,
            Steps = request.Steps,
            Scheduler = request.Scheduler,
            GuidanceScale = request.GuidanceScale,
            IdentityGuidanceScale = request.IdentityGuidanceScale,
            Alpha = request.Alpha,
            Flavor = request.Flavor,
            Seed = request.Seed,
            BatchCount = request.BatchCount,
            Identities = identities,
            Style = request.Style is { } style ? new JobStyle(Put(style.Image), style.UseAsInitImage, style.Strength) : null,
        };
        blobs = store;
        return payload;
    }

    /// <summary>The request back, its images decoded from <paramref name="blobs"/>.</summary>
    /// <exception cref="JobInputException">A blob is missing (expired) or not a picture.</exception>
    public GenerationRequest ToRequest(IReadOnlyDictionary<string, byte[]> blobs, IImageCodec codec)
    {
        RgbImage Get(string hash, string name)
        {
            if (!blobs.TryGetValue(hash, out byte[]? bytes))
            {
                throw new JobInputException($"The input image '{name}' (sha256 {hash}) is no longer stored (expired?).");
            }

            return codec.Decode(bytes, name);
        }

        return new GenerationRequest
        {
            Prompt = Prompt,
            NegativePrompt = NegativePrompt,
            Width = Width,
            Height = Height,
            Steps = Steps,
            Scheduler = Scheduler,
            GuidanceScale = GuidanceScale,
            IdentityGuidanceScale = IdentityGuidanceScale,
            Alpha = Alpha,
            Flavor = Flavor,
            Seed = Seed,
            BatchCount = BatchCount,
            Identities = [.. Identities.Select(i => new IdentityInput
            {
                Photos = [.. i.Photos.Select(p => new IdentityPhoto(p.Name, Get(p.Sha256, p.Name)))],
                Embedding = i.Embedding is { } e ? IdentityEmbedding.FromVector(e) : null,
                Scale = i.Scale,
                Selection = i.SelectIndex is { } index ? FaceSelection.AtIndex(index) : null,
            })],
            Style = Style is { } s ? new StyleInput(Get(s.Sha256, "style")) { UseAsInitImage = s.UseAsInitImage, Strength = s.Strength } : null,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, JobJson.Options);

    /// <exception cref="JobInputException">The text is not a payload.</exception>
    public static JobPayload FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<JobPayload>(json, JobJson.Options) ?? throw new JobInputException("The job payload is empty.");
        }
        catch (JsonException ex)
        {
            throw new JobInputException($"The job payload is malformed: {ex.Message}", ex);
        }
    }
}

/// <summary>One person of a <see cref="JobPayload"/>.</summary>
internal sealed record JobIdentity
{
    public IReadOnlyList<JobImageRef> Photos { get; init; } = [];

    public float[]? Embedding { get; init; }

    public float Scale { get; init; } = 1f;

    public int? SelectIndex { get; init; }
}

/// <summary>A photo: its name in messages and the SHA-256 of its PNG blob.</summary>
internal sealed record JobImageRef(string Name, string Sha256);

/// <summary>The style image of a <see cref="JobPayload"/>.</summary>
internal sealed record JobStyle(string Sha256, bool UseAsInitImage, float Strength);

/// <summary>JSON settings shared by payloads, metadata and status documents.</summary>
public static class JobJson
{
    /// <summary>camelCase, enums as camelCase strings, culture-free numbers.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Serializes generation metadata.</summary>
    public static string SerializeMetadata(GenerationMetadata metadata) => JsonSerializer.Serialize(metadata, Options);

    /// <summary>Reads metadata written by <see cref="SerializeMetadata"/>.</summary>
    public static GenerationMetadata DeserializeMetadata(string json) =>
        JsonSerializer.Deserialize<GenerationMetadata>(json, Options) ?? throw new JsonException("Empty metadata document.");

    /// <summary>A one-line error message (first line, at most 500 characters) for status documents and dead letters.</summary>
    public static string OneLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message.ReplaceLineEndings(" ").Trim();
        string text = string.Create(CultureInfo.InvariantCulture, $"{exception.GetType().Name}: {message}");
        return text.Length <= 500 ? text : text[..500];
    }
}
