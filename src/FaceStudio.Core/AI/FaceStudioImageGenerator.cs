using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.AI;

namespace FaceStudio.Core.AI;

/// <summary>
/// Microsoft.Extensions.AI <see cref="IImageGenerator"/> over a <see cref="FaceStudioPipeline"/>, so apps written
/// against MEAI can generate with FaceStudio. FaceStudio settings travel in
/// <see cref="ImageGenerationOptions.AdditionalProperties"/> under the keys of <see cref="FaceStudioImageGenerator.Keys"/>.
/// </summary>
/// <remarks>
/// The first image in <see cref="ImageGenerationRequest.OriginalImages"/> (a <see cref="DataContent"/>) becomes the
/// style image; with <see cref="Keys.Strength"/> it is also the init image. Results come back as PNG
/// <see cref="DataContent"/>; the <see cref="GenerationResult"/> is the response's raw representation.
/// </remarks>
[Experimental("MEAI001")]
public sealed class FaceStudioImageGenerator : IImageGenerator
{
    private readonly FaceStudioPipeline _pipeline;
    private readonly IImageCodec _codec;
    private readonly bool _ownsPipeline;

    /// <summary>Wraps <paramref name="pipeline"/>.</summary>
    /// <param name="pipeline">The pipeline that generates.</param>
    /// <param name="codec">Decodes original images and encodes the PNG results.</param>
    /// <param name="ownsPipeline">Dispose the pipeline with this generator.</param>
    public FaceStudioImageGenerator(FaceStudioPipeline pipeline, IImageCodec codec, bool ownsPipeline = false)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _codec = codec ?? throw new ArgumentNullException(nameof(codec));
        _ownsPipeline = ownsPipeline;
    }

    /// <summary>
    /// The model id this generator answers to (<see cref="ImageGeneratorMetadata.DefaultModelId"/>); any other
    /// <see cref="ImageGenerationOptions.ModelId"/> is a <see cref="NotSupportedException"/>.
    /// </summary>
    public const string ModelId = "facestudio";

    /// <summary>Keys of FaceStudio settings in <see cref="ImageGenerationOptions.AdditionalProperties"/>.</summary>
    public static class Keys
    {
        /// <summary>string: the negative prompt.</summary>
        public const string NegativePrompt = "facestudio.negative_prompt";

        /// <summary>int: inference steps.</summary>
        public const string Steps = "facestudio.steps";

        /// <summary>string: scheduler name.</summary>
        public const string Scheduler = "facestudio.scheduler";

        /// <summary>float: classifier-free guidance scale.</summary>
        public const string GuidanceScale = "facestudio.guidance_scale";

        /// <summary>float: hybrid-guidance α.</summary>
        public const string Alpha = "facestudio.alpha";

        /// <summary>long: seed.</summary>
        public const string Seed = "facestudio.seed";

        /// <summary>float: img2img strength; the first original image becomes the init image.</summary>
        public const string Strength = "facestudio.strength";

        /// <summary><see cref="IdentityInput"/>[] or <see cref="IReadOnlyList{T}"/> of them: the people.</summary>
        public const string Identities = "facestudio.identities";
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options?.ResponseFormat is { } format && format != ImageGenerationResponseFormat.Data)
        {
            throw new NotSupportedException($"FaceStudio returns images as data (ImageGenerationResponseFormat.Data); response format '{format}' is not supported.");
        }

        if (!string.IsNullOrEmpty(options?.ModelId) && !string.Equals(options.ModelId, ModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"This generator runs the model '{ModelId}' (the pipeline it wraps); ModelId '{options.ModelId}' names another model. Register one generator per pipeline instead.");
        }

        if (options?.MediaType is { } media && !string.Equals(media, "image/png", StringComparison.OrdinalIgnoreCase))
        {
            throw new FaceStudioValidationException(nameof(options.MediaType), $"FaceStudio produces image/png but '{media}' was asked for.");
        }

        var generation = new GenerationRequest
        {
            Prompt = request.Prompt ?? string.Empty,
            BatchCount = options?.Count ?? 1,
        };
        if (options?.ImageSize is { } size)
        {
            generation = generation with { Width = size.Width, Height = size.Height };
        }

        AdditionalPropertiesDictionary? extra = options?.AdditionalProperties;
        if (extra is not null)
        {
            generation = generation with
            {
                NegativePrompt = Get<string>(extra, Keys.NegativePrompt) ?? generation.NegativePrompt,
                Steps = GetNumber(extra, Keys.Steps, generation.Steps, Convert.ToInt32),
                Scheduler = Get<string>(extra, Keys.Scheduler) ?? generation.Scheduler,
                GuidanceScale = GetNumber(extra, Keys.GuidanceScale, generation.GuidanceScale, Convert.ToSingle),
                Alpha = GetNumber(extra, Keys.Alpha, generation.Alpha, Convert.ToSingle),
                Seed = HasValue(extra, Keys.Seed) ? GetNumber(extra, Keys.Seed, 0L, Convert.ToInt64) : null,
                Identities = Get<IReadOnlyList<IdentityInput>>(extra, Keys.Identities) ?? generation.Identities,
            };
        }

        DataContent? original = request.OriginalImages?.OfType<DataContent>().FirstOrDefault(d => d.HasTopLevelMediaType("image"));
        if (original is not null)
        {
            RgbImage style = _codec.Decode(original.Data, original.Name ?? "original image", cancellationToken: cancellationToken);
            bool init = extra is not null && HasValue(extra, Keys.Strength);
            generation = generation with
            {
                Style = new StyleInput(style)
                {
                    UseAsInitImage = init,
                    Strength = init ? GetNumber(extra!, Keys.Strength, 0.75f, Convert.ToSingle) : 0.75f,
                },
            };
        }

        GenerationResult result = await _pipeline.GenerateAsync(generation, progress: null, cancellationToken).ConfigureAwait(false);
        var contents = new List<AIContent>(result.Images.Count);
        foreach (GeneratedImage image in result.Images)
        {
            using var png = new MemoryStream();
            _codec.EncodePng(image.Image, png, cancellationToken);
            contents.Add(new DataContent(png.ToArray(), "image/png") { Name = string.Create(CultureInfo.InvariantCulture, $"facestudio-{image.Seed}.png") });
        }

        return new ImageGenerationResponse(contents) { RawRepresentation = result };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ImageGeneratorMetadata))
        {
            return new ImageGeneratorMetadata("facestudio", defaultModelId: ModelId);
        }

        if (serviceType.IsInstanceOfType(_pipeline))
        {
            return _pipeline;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsPipeline)
        {
            _pipeline.Dispose();
        }
    }

    private static T? Get<T>(AdditionalPropertiesDictionary extra, string key)
        where T : class
    {
        if (!HasValue(extra, key))
        {
            return null;
        }

        object value = extra[key]!;
        if (typeof(T) == typeof(string) && value is JsonElement { ValueKind: JsonValueKind.String } json)
        {
            // Like numbers, strings may arrive as JsonElements (from JSON-configured options).
            value = json.GetString()!;
        }

        return value as T ?? throw new FaceStudioValidationException(key, $"Additional property '{key}' must be a {typeof(T).Name} but is a {value.GetType().Name}.");
    }

    /// <summary>True when <paramref name="key"/> is present with a value; a null (or JSON null) counts as unset.</summary>
    private static bool HasValue(AdditionalPropertiesDictionary extra, string key) =>
        extra.TryGetValue(key, out object? value) && value is not null && value is not JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private static T GetNumber<T>(AdditionalPropertiesDictionary extra, string key, T fallback, Func<object, IFormatProvider, T> convert)
    {
        if (!HasValue(extra, key))
        {
            return fallback;
        }

        object value = extra[key]!;
        try
        {
            // Values may arrive as numbers, strings or JsonElements (from JSON-configured options).
            object raw = value is JsonElement json ? json.ToString() : value;
            return convert(raw, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw new FaceStudioValidationException(key, $"Additional property '{key}' must be a {typeof(T).Name} but is '{value}'.");
        }
    }
}
