using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Web.Studio;

/// <summary>A bad form field: the field's name (as the page names its inputs) and a message for a person.</summary>
internal sealed class StudioFieldException(string field, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Field { get; } = field;

    /// <summary>413 for an upload over the pixel budget, else 400.</summary>
    public int StatusCode => InnerException is ImageTooLargeException ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
}

/// <summary>One person of a studio request: reference photos, the face picked in each, and a region.</summary>
internal sealed record StudioPerson(int Index, IReadOnlyList<IdentityPhoto> Photos, IReadOnlyList<int?> Picks, RegionBox? Region)
{
    /// <summary>The form field that carries this person's photos (<c>person0</c>, <c>person1</c>, …).</summary>
    public string Field => PersonField(Index);

    public static string PersonField(int index) => "person" + index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The studio page's multipart form: the fields of <c>POST /generate</c> (<c>prompt</c>, <c>negative</c>, <c>steps</c>,
/// <c>seed</c>, <c>scheduler</c>, <c>guidance</c>, <c>alpha</c>, <c>width</c>, <c>height</c>, file <c>style</c>) and, per
/// person k, files <c>person{k}</c> (one or more photos), <c>pick{k}</c> (comma-separated face index per photo, detector
/// order, empty = the largest face) and <c>region{k}</c> (<c>x0,y0,x1,y1</c>, pixel corners in the output); <c>regions</c> is
/// <c>draw</c> (default) or <c>auto</c> (from the style image's faces); <c>noise</c> names a noise source.
/// </summary>
internal sealed record StudioForm(GenerationRequest Request, IReadOnlyList<StudioPerson> People, bool AutomaticRegions, string? Noise)
{
    public static async Task<StudioForm> ParseAsync(IFormCollection form, IImageCodec codec, UploadDecodeGate decodeGate, GenerateEndpointOptions limits, IReadOnlyList<string> noiseSources, CancellationToken cancellationToken)
    {
        string? prompt = form["prompt"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new StudioFieldException("prompt", "Write a prompt: it says what the picture shows.");
        }

        int width = Int(form, "width", 512);
        int height = Int(form, "height", 512);
        string regionMode = form["regions"].FirstOrDefault() is { Length: > 0 } m ? m : "draw";
        if (regionMode is not ("draw" or "auto"))
        {
            throw new StudioFieldException("regions", $"'regions' must be 'draw' or 'auto' but is '{regionMode}'.");
        }

        bool automatic = regionMode == "auto";
        var indices = form.Files
            .Select(f => f.Name)
            .Where(n => n.StartsWith("person", StringComparison.Ordinal))
            .Select(n => int.TryParse(n.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : throw new StudioFieldException(n, $"'{n}' is not a person field (person0, person1, …)."))
            .Distinct()
            .Order()
            .ToList();
        if (indices.Count > limits.MaxFaces)
        {
            throw new StudioFieldException(StudioPerson.PersonField(indices[limits.MaxFaces]), Inv($"This server takes at most {limits.MaxFaces} people but {indices.Count} were sent."));
        }

        var budget = new UploadPixelBudget(limits.MaxUploadPixels);
        var people = new List<StudioPerson>(indices.Count);
        foreach (int k in indices)
        {
            string field = StudioPerson.PersonField(k);
            IReadOnlyList<IFormFile> files = form.Files.GetFiles(field);
            var photos = new List<IdentityPhoto>(files.Count);
            foreach (IFormFile file in files)
            {
                photos.Add(new IdentityPhoto(file.FileName, await DecodeAsync(codec, decodeGate, budget, file, field, cancellationToken)));
            }

            IReadOnlyList<int?> picks = Picks(form, k, photos.Count);
            RegionBox? region = automatic ? null : Region(form, k, width, height);
            people.Add(new StudioPerson(k, photos, picks, region));
        }

        if (!automatic && people.Count > 1 && people.FirstOrDefault(p => p.Region is null) is { } missing)
        {
            throw new StudioFieldException("region" + missing.Index.ToString(CultureInfo.InvariantCulture), $"Draw a region for person {missing.Index + 1}: with several people each needs one (or choose automatic regions).");
        }

        if (automatic && people.Count > 1 && form.Files.GetFile("style") is null)
        {
            throw new StudioFieldException("style", "Automatic regions come from the faces in the style image: add a style image or draw the regions.");
        }

        StyleInput? style = form.Files.GetFile("style") is { } styleFile ? new StyleInput(await DecodeAsync(codec, decodeGate, budget, styleFile, "style", cancellationToken)) : null;
        string? noise = form["noise"].FirstOrDefault() is { Length: > 0 } n ? n : null;
        if (noise is not null && !noiseSources.Contains(noise, StringComparer.Ordinal))
        {
            throw new StudioFieldException("noise", $"This server draws noise from {string.Join(" or ", noiseSources)}; it does not offer '{noise}'.");
        }

        var request = new GenerationRequest
        {
            Prompt = prompt,
            NegativePrompt = form["negative"].FirstOrDefault() is { Length: > 0 } neg ? neg : null,
            Identities = [.. people.Select(p => new IdentityInput { Photos = p.Photos, Region = p.Region is { } b ? IdentityRegion.FromBox(b) : null })],
            Style = style,
            Steps = Int(form, "steps", 25),
            Seed = form["seed"].FirstOrDefault() is { Length: > 0 } s ? Long("seed", s) : null,
            Scheduler = form["scheduler"].FirstOrDefault() is { Length: > 0 } sch ? sch : SchedulerCatalog.EulerAncestral,
            Noise = noise ?? noiseSources[0],
            GuidanceScale = Float(form, "guidance", 7.5f),
            Alpha = Float(form, "alpha", 0.5f),
            Width = width,
            Height = height,
            StepPreviews = true,
        };
        if (request.Steps > limits.MaxSteps)
        {
            throw new StudioFieldException("steps", Inv($"This server runs at most {limits.MaxSteps} steps but {request.Steps} were asked for."));
        }

        return new StudioForm(request, people, automatic, noise);
    }

    /// <summary>The page's field for a pipeline validation error (the pipeline names request properties).</summary>
    public static string Field(string parameter)
    {
        if (parameter.StartsWith("Identities[", StringComparison.Ordinal))
        {
            int end = parameter.IndexOf(']', StringComparison.Ordinal);
            if (end > 11 && int.TryParse(parameter.AsSpan(11, end - 11), NumberStyles.None, CultureInfo.InvariantCulture, out int k))
            {
                return StudioPerson.PersonField(k);
            }
        }

        return parameter switch
        {
            "Regions" => "regions",
            "noise" => "noise",
            _ when parameter.StartsWith("Identities", StringComparison.Ordinal) => "person0",
            _ => GenerateEndpoint.FormField(parameter),
        };
    }

    // Same rule as GenerationForm: the header is checked against what is left of the request's pixel budget before any
    // pixel is decoded, and at most MaxConcurrentDecodes decodes run at once.
    public static async Task<RgbImage> DecodeAsync(IImageCodec codec, UploadDecodeGate gate, UploadPixelBudget budget, IFormFile file, string field, CancellationToken cancellationToken)
    {
        try
        {
            return await budget.DecodeAsync(codec, gate, file, cancellationToken);
        }
        catch (ImageInputException ex)
        {
            throw new StudioFieldException(field, budget.Describe(file, ex), ex);
        }
    }

    private static List<int?> Picks(IFormCollection form, int k, int photoCount)
    {
        string key = "pick" + k.ToString(CultureInfo.InvariantCulture);
        string raw = form[key].FirstOrDefault() ?? string.Empty;
        var picks = new List<int?>(photoCount);
        string[] parts = raw.Length == 0 ? [] : raw.Split(',');
        if (parts.Length > photoCount)
        {
            throw new StudioFieldException(StudioPerson.PersonField(k), Inv($"'{key}' picks faces in {parts.Length} photos but person {k + 1} has {photoCount}."));
        }

        for (int i = 0; i < photoCount; i++)
        {
            string part = i < parts.Length ? parts[i].Trim() : string.Empty;
            if (part.Length == 0 || part == "-1")
            {
                picks.Add(null);
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int face))
            {
                picks.Add(face);
            }
            else
            {
                throw new StudioFieldException(StudioPerson.PersonField(k), $"'{key}' must list face numbers (0, 1, …) separated by commas but holds '{part}'.");
            }
        }

        return picks;
    }

    private static RegionBox? Region(IFormCollection form, int k, int width, int height)
    {
        string key = "region" + k.ToString(CultureInfo.InvariantCulture);
        if (form[key].FirstOrDefault() is not { Length: > 0 } raw)
        {
            return null;
        }

        RegionBox box;
        try
        {
            box = RegionBox.Parse(raw, key);
        }
        catch (FaceStudioValidationException ex)
        {
            throw new StudioFieldException(key, ex.Message, ex);
        }

        if (box.X >= width || box.Y >= height || box.Right <= 0 || box.Bottom <= 0)
        {
            throw new StudioFieldException(key, Inv($"The region of person {k + 1} (x0,y0,x1,y1 = {raw}) must overlap the {width}×{height} picture."));
        }

        return box;
    }

    private static int Int(IFormCollection form, string key, int fallback) =>
        form[key].FirstOrDefault() is { Length: > 0 } s ? (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw NotANumber(key, s)) : fallback;

    private static long Long(string key, string s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw NotANumber(key, s);

    private static float Float(IFormCollection form, string key, float fallback) =>
        form[key].FirstOrDefault() is { Length: > 0 } s ? (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) ? v : throw NotANumber(key, s)) : fallback;

    private static StudioFieldException NotANumber(string key, string value) => new(key, $"The '{key}' field must be a number but is '{value}'.");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
