using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.Onnx.Latents;
using Google.Protobuf;

namespace FaceStudio.Onnx.Packs;

/// <summary>
/// A model pack folder, resolved and checked: the diffusers/optimum ONNX layout (<c>text_encoder/</c>,
/// <c>unet/</c>, <c>vae_decoder/</c>, <c>vae_encoder/</c>, <c>tokenizer/</c>) plus an optional
/// <c>facestudio.json</c> manifest. Every path stays inside the folder; all problems are reported together.
/// </summary>
public sealed class ModelPack
{
    private static readonly Dictionary<string, string> DefaultComponents = new(StringComparer.Ordinal)
    {
        ["textEncoder"] = "text_encoder/model.onnx",
        ["unet"] = "unet/model.onnx",
        ["vaeDecoder"] = "vae_decoder/model.onnx",
        ["vaeEncoder"] = "vae_encoder/model.onnx",
    };

    private static readonly string[] RequiredComponents = ["textEncoder", "unet", "vaeDecoder"];
    private static readonly string[] KnownComponents = ["textEncoder", "unet", "vaeDecoder", "vaeEncoder", "faceDetector", "faceLandmarker", "faceEmbedder", "imageEncoder", "projector"];

    // Real VAEs use 0.13025 to 1.0; a factor this large only turns latents into overflow.
    private const float MaxVaeScalingFactor = 100f;

    private readonly Dictionary<string, string> _components;

    private ModelPack(string root, ModelPackManifest? manifest, Dictionary<string, string> components, string vocab, string merges, string? tokenizerConfig, VaeOptions vae, DiffusersScheduler? scheduler)
    {
        Scheduler = scheduler;
        Root = root;
        Manifest = manifest;
        _components = components;
        TokenizerVocabPath = vocab;
        TokenizerMergesPath = merges;
        TokenizerConfigPath = tokenizerConfig;
        Vae = vae;
    }

    /// <summary>The model's own scheduler (<c>scheduler/scheduler_config.json</c>): its noise schedule and default sampler; null when absent.</summary>
    public DiffusersScheduler? Scheduler { get; }

    /// <summary>The pack folder (full path).</summary>
    public string Root { get; }

    /// <summary>The manifest, when the pack has one.</summary>
    public ModelPackManifest? Manifest { get; }

    /// <summary>True for generated demo packs.</summary>
    public bool IsDemo => Manifest?.Demo == true;

    /// <summary>Text encoder model.</summary>
    public string TextEncoderPath => _components["textEncoder"];

    /// <summary>UNet model.</summary>
    public string UNetPath => _components["unet"];

    /// <summary>VAE decoder model.</summary>
    public string VaeDecoderPath => _components["vaeDecoder"];

    /// <summary>VAE encoder model, when present (img2img).</summary>
    public string? VaeEncoderPath => Optional("vaeEncoder");

    /// <summary>Face detector model, when the manifest names one.</summary>
    public string? FaceDetectorPath => Optional("faceDetector");

    /// <summary>Face landmark model (FaceMesh), when the manifest names one; a BlazeFace detector needs it.</summary>
    public string? FaceLandmarkerPath => Optional("faceLandmarker");

    /// <summary>Face embedder model, when the manifest names one.</summary>
    public string? FaceEmbedderPath => Optional("faceEmbedder");

    /// <summary>CLIP vision encoder model, when the manifest names one.</summary>
    public string? ImageEncoderPath => Optional("imageEncoder");

    /// <summary>Guidance projector model, when the manifest names one.</summary>
    public string? ProjectorPath => Optional("projector");

    /// <summary>Tokenizer vocabulary (vocab.json).</summary>
    public string TokenizerVocabPath { get; }

    /// <summary>Tokenizer merges (merges.txt).</summary>
    public string TokenizerMergesPath { get; }

    /// <summary>tokenizer_config.json, when present.</summary>
    public string? TokenizerConfigPath { get; }

    /// <summary>VAE settings (scaling factor from the manifest, vae_decoder/config.json, or 0.18215).</summary>
    public VaeOptions Vae { get; }

    /// <summary>The rule the UNet applies to <c>identity_masks</c> (the manifest's <c>options.maskDownsample</c>); null when undeclared.</summary>
    public RegionMaskDownsample? MaskDownsample => Manifest?.Options?.MaskDownsample is { } rule ? ParseMaskDownsample(rule) : null;

    /// <summary>
    /// Resolves and checks the pack at <paramref name="directory"/>. Throws <see cref="ModelPackException"/>
    /// listing every missing file, escaping path and invalid manifest value at once.
    /// </summary>
    public static ModelPack Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new ModelPackException(root, [$"the folder does not exist"]);
        }

        var problems = new List<string>();
        ModelPackManifest? manifest = ReadManifest(root, problems);
        var components = new Dictionary<string, string>(StringComparer.Ordinal);
        var declared = new Dictionary<string, string>(DefaultComponents, StringComparer.Ordinal);
        foreach ((string key, string value) in manifest?.Components ?? [])
        {
            if (!KnownComponents.Contains(key, StringComparer.Ordinal))
            {
                problems.Add($"{ModelPackManifest.FileName}: unknown component '{key}' (known: {string.Join(", ", KnownComponents)})");
                continue;
            }

            declared[key] = value;
        }

        foreach ((string key, string relative) in declared)
        {
            bool required = RequiredComponents.Contains(key, StringComparer.Ordinal) || manifest?.Components?.ContainsKey(key) == true;
            string? path = Resolve(root, relative, key, problems);
            if (path is null)
            {
                continue;
            }

            if (File.Exists(path))
            {
                if (!IsRegular(path, $"{key} model", relative, problems))
                {
                    continue;
                }

                components[key] = path;
                CheckExternalData(root, relative, path, key, problems);
            }
            else if (required)
            {
                problems.Add($"missing {key} model '{relative}'");
            }
        }

        string? vocab = RequireFile(root, manifest?.Tokenizer?.Vocab ?? "tokenizer/vocab.json", "tokenizer vocabulary", problems);
        string? merges = RequireFile(root, manifest?.Tokenizer?.Merges ?? "tokenizer/merges.txt", "tokenizer merges", problems);
        string? tokenizerConfig = Resolve(root, manifest?.Tokenizer?.Config ?? "tokenizer/tokenizer_config.json", "tokenizer config", problems);
        if (manifest?.Tokenizer?.Config is { } configName && tokenizerConfig is not null && !File.Exists(tokenizerConfig))
        {
            problems.Add($"missing tokenizer config '{configName}'");
        }
        else if (tokenizerConfig is not null && File.Exists(tokenizerConfig) && !IsRegular(tokenizerConfig, "tokenizer config", manifest?.Tokenizer?.Config ?? "tokenizer/tokenizer_config.json", problems))
        {
            tokenizerConfig = null;
        }

        CheckTokenizerLayout(manifest?.Tokenizer, vocab, merges, tokenizerConfig, problems);
        VaeOptions vae = ReadVaeOptions(root, manifest, problems);
        DiffusersScheduler? scheduler = ReadScheduler(root, problems);
        if (manifest?.Options?.IdentityTokens is { } k && k <= 0)
        {
            problems.Add($"{ModelPackManifest.FileName}: options.identityTokens must be positive; got {k}");
        }

        if (manifest?.Options?.Guidance is { } guidance && guidance is not ("facestudio" or "ip-adapter-faceid"))
        {
            problems.Add($"{ModelPackManifest.FileName}: options.guidance must be 'facestudio' or 'ip-adapter-faceid'; got '{guidance}'");
        }

        if (manifest?.Options?.MaskDownsample is { } rule && ParseMaskDownsample(rule) is null)
        {
            problems.Add($"{ModelPackManifest.FileName}: options.maskDownsample must be 'area' or 'bicubic'; got '{rule}'");
        }

        if (problems.Count > 0)
        {
            throw new ModelPackException(root, problems);
        }

        return new ModelPack(root, manifest, components, vocab!, merges!, tokenizerConfig is not null && File.Exists(tokenizerConfig) ? tokenizerConfig : null, vae, scheduler);
    }

    private static DiffusersScheduler? ReadScheduler(string root, List<string> problems)
    {
        const string relative = "scheduler/scheduler_config.json";
        if (!File.Exists(Path.Combine(root, relative)) || Resolve(root, relative, "scheduler config", problems) is not { } path || !IsRegular(path, "scheduler config", relative, problems))
        {
            return null;
        }

        try
        {
            return DiffusersSchedulerConfig.Parse(File.ReadAllText(path), relative);
        }
        catch (FaceStudioValidationException ex)
        {
            problems.Add(ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Resolves <paramref name="relative"/> inside <paramref name="root"/>; records a problem and returns null
    /// for absolute paths, paths that leave the folder, and links whose target leaves it.
    /// </summary>
    internal static string? Resolve(string root, string relative, string what, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(relative) || relative.IndexOf('\0', StringComparison.Ordinal) >= 0)
        {
            problems.Add($"{what}: empty or invalid path '{relative}'");
            return null;
        }

        if (Path.IsPathRooted(relative) || relative.Contains(':', StringComparison.Ordinal) || relative.StartsWith('\\') || relative.StartsWith('/'))
        {
            problems.Add($"{what}: path '{relative}' must be relative to the pack folder");
            return null;
        }

        string rootWithSeparator = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(root, relative.Replace('\\', '/')));
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            problems.Add($"{what}: path '{relative}' leaves the pack folder");
            return null;
        }

        // A link inside the pack must not point outside it either, whether the file or a folder on its way is the link.
        try
        {
            string realRoot = Path.TrimEndingDirectorySeparator(RealPath(root, 0)) + Path.DirectorySeparatorChar;
            string real = RealPath(full, 0);
            if (!real.StartsWith(realRoot, StringComparison.Ordinal))
            {
                problems.Add($"{what}: '{relative}' is a link (or lies in a linked folder) leading to '{real}', outside the pack folder");
                return null;
            }
        }
        catch (IOException ex)
        {
            problems.Add($"{what}: '{relative}' cannot be resolved ({ex.Message})");
            return null;
        }

        return full;
    }

    // The path with every link on the way resolved, folders included (what realpath(3) gives, without needing the file).
    private static string RealPath(string path, int depth)
    {
        if (depth > 40)
        {
            throw new IOException($"too many levels of links at '{path}'");
        }

        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full) ?? string.Empty;
        foreach (string part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            FileSystemInfo entry = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            current = entry.LinkTarget is { } target
                ? RealPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target), depth + 1)
                : next;
        }

        return current;
    }

    // Each external data file a graph names must exist and stay inside the pack, like every other path.
    private static void CheckExternalData(string root, string relative, string path, string key, List<string> problems)
    {
        IReadOnlyList<string> locations;
        try
        {
            locations = ExternalDataScanner.Locations(path);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException or IOException)
        {
            problems.Add($"{key} model '{relative}' is not a readable ONNX file ({ex.Message})");
            return;
        }

        string modelFolder = Path.GetDirectoryName(relative.Replace('\\', '/')) ?? string.Empty;
        foreach (string location in locations)
        {
            string what = $"{key} external data";
            if (Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\'))
            {
                problems.Add($"{what}: path '{location}' in '{relative}' must be relative to the model's folder");
                continue;
            }

            string combined = modelFolder.Length == 0 ? location : modelFolder + "/" + location;
            string? resolved = Resolve(root, combined, what, problems);
            if (resolved is not null && !File.Exists(resolved))
            {
                problems.Add($"missing {what} '{combined}' (named by '{relative}')");
            }
            else if (resolved is not null)
            {
                IsRegular(resolved, what, combined, problems);
            }
        }
    }

    // The tokenizer is loaded as one folder holding vocab.json, merges.txt and tokenizer_config.json, so a manifest
    // naming other files would pass here and then fail at load, or silently read the folder's standard files.
    private static void CheckTokenizerLayout(ManifestTokenizer? named, string? vocab, string? merges, string? config, List<string> problems)
    {
        string? folder = vocab is null ? null : Path.GetDirectoryName(vocab);
        void Check(string member, string? relative, string? path, string fileName)
        {
            if (relative is null || path is null)
            {
                return;
            }

            if (!string.Equals(Path.GetFileName(path), fileName, StringComparison.Ordinal) || (folder is not null && !string.Equals(Path.GetDirectoryName(path), folder, StringComparison.Ordinal)))
            {
                problems.Add($"{ModelPackManifest.FileName}: tokenizer.{member} must name a file called {fileName} in the vocabulary's folder (the tokenizer loads that folder); got '{relative}'");
            }
        }

        Check("vocab", named?.Vocab, vocab, "vocab.json");
        Check("merges", named?.Merges, merges, "merges.txt");
        Check("config", named?.Config, config, "tokenizer_config.json");
    }

    private static RegionMaskDownsample? ParseMaskDownsample(string value) => value switch
    {
        "area" => RegionMaskDownsample.Area,
        "bicubic" => RegionMaskDownsample.Bicubic,
        _ => null,
    };

    private string? Optional(string key) => _components.TryGetValue(key, out string? path) ? path : null;

    private static string? RequireFile(string root, string relative, string what, List<string> problems)
    {
        string? path = Resolve(root, relative, what, problems);
        if (path is not null && !File.Exists(path))
        {
            problems.Add($"missing {what} '{relative}'");
            return null;
        }

        return path is not null && IsRegular(path, what, relative, problems) ? path : null;
    }

    // Only regular files are read: opening a FIFO blocks until a writer comes (load would hang), and a device is no model.
    private static bool IsRegular(string path, string what, string relative, List<string> problems)
    {
        if (FileKinds.IsRegularFileFollowingLinks(path))
        {
            return true;
        }

        problems.Add($"{what}: '{relative}' is not a regular file ({FileKinds.DescribeNonRegular(path) ?? "a special file"}); expected a file");
        return false;
    }

    private static ModelPackManifest? ReadManifest(string root, List<string> problems)
    {
        if (!File.Exists(Path.Combine(root, ModelPackManifest.FileName)) || Resolve(root, ModelPackManifest.FileName, "manifest", problems) is not { } path || !IsRegular(path, "manifest", ModelPackManifest.FileName, problems))
        {
            return null;
        }

        try
        {
            string json = File.ReadAllText(path);
            ModelPackManifest? manifest = JsonSerializer.Deserialize<ModelPackManifest>(json, LenientJson);
            try
            {
                // Well-formed: now every key must be one the manifest knows (a misspelt or capitalised key would be
                // dropped silently, e.g. "Components" losing every component).
                _ = JsonSerializer.Deserialize<ModelPackManifest>(json, StrictJson);
            }
            catch (JsonException ex)
            {
                problems.Add($"{ModelPackManifest.FileName}: unknown key at '{ex.Path}' (keys are case-sensitive; known: formatVersion, name, demo, components, tokenizer, options)");
                return null;
            }

            if (manifest is null)
            {
                problems.Add($"{ModelPackManifest.FileName}: the file is empty (null)");
            }
            else if (manifest.FormatVersion != 1)
            {
                problems.Add($"{ModelPackManifest.FileName}: formatVersion must be 1; got {manifest.FormatVersion.ToString(CultureInfo.InvariantCulture)}");
            }

            return manifest;
        }
        catch (JsonException ex)
        {
            problems.Add($"{ModelPackManifest.FileName}: invalid JSON ({ex.Message})");
            return null;
        }
    }

    private static readonly JsonSerializerOptions LenientJson = new() { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip };

    private static readonly JsonSerializerOptions StrictJson = new(LenientJson) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    private static VaeOptions ReadVaeOptions(string root, ModelPackManifest? manifest, List<string> problems)
    {
        float? scaling = manifest?.Options?.VaeScalingFactor;
        string configPath = Path.Combine(root, "vae_decoder", "config.json");
        if (scaling is null && File.Exists(configPath) && IsRegular(configPath, "VAE config", "vae_decoder/config.json", problems))
        {
            try
            {
                using JsonDocument config = JsonDocument.Parse(File.ReadAllText(configPath));
                if (config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("scaling_factor", out JsonElement value) && value.ValueKind == JsonValueKind.Number)
                {
                    scaling = value.GetSingle();
                }
            }
            catch (JsonException ex)
            {
                problems.Add($"vae_decoder/config.json: invalid JSON ({ex.Message})");
            }
        }

        var options = new VaeOptions { ScalingFactor = scaling ?? VaeOptions.DefaultScalingFactor };
        if (!float.IsFinite(options.ScalingFactor) || options.ScalingFactor <= 0 || options.ScalingFactor > MaxVaeScalingFactor)
        {
            problems.Add($"VAE scaling factor must be in (0, {MaxVaeScalingFactor.ToString(CultureInfo.InvariantCulture)}]; got {options.ScalingFactor.ToString(CultureInfo.InvariantCulture)}");
            return new VaeOptions();
        }

        return options;
    }
}
