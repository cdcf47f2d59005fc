using System.CommandLine;
using FaceStudio.Core.Errors;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Cli.Commands;

/// <summary>
/// Finds the models of the helper commands (<c>tokenize</c>, <c>faces</c>, <c>embed</c>, <c>similarity</c>), in this
/// order: the command's own option (<c>--tokenizer</c>, <c>--detector</c>, <c>--embedder</c>), the model pack of
/// <c>--models DIR</c>, the environment variable, and finally the built-in demo pack, so the CLI works on a fresh
/// machine.
/// </summary>
/// <param name="models">The <c>--models</c> folder, if given.</param>
/// <param name="notices">Where the one-line demo-pack notice goes (stderr).</param>
internal sealed class ModelResolver(DirectoryInfo? models, TextWriter notices)
{
    /// <summary>Environment variable naming the tokenizer folder.</summary>
    public const string TokenizerVariable = "FACESTUDIO_TOKENIZER";

    /// <summary>Environment variable naming the SCRFD model.</summary>
    public const string DetectorVariable = "FACESTUDIO_DETECTOR";

    /// <summary>Environment variable naming the ArcFace model.</summary>
    public const string EmbedderVariable = "FACESTUDIO_EMBEDDER";

    /// <summary><c>--detector blazeface</c>: the shipped BlazeFace + FaceMesh (FaceStudio.Models.Faces).</summary>
    public const string BlazeFaceKeyword = "blazeface";

    /// <summary><c>--embedder mobileface</c>: the shipped MobileFace (FaceStudio.Models.Faces).</summary>
    public const string MobileFaceKeyword = "mobileface";

    private ModelPack? _pack;

    /// <summary>The <c>--models DIR</c> option of the helper commands.</summary>
    public static Option<DirectoryInfo?> ModelsOption() => new("--models")
    {
        Description = "Model pack folder (diffusers/optimum ONNX layout + facestudio.json) to take the models from. "
            + "Default: the built-in demo pack, unless the specific option or its environment variable names a model.",
    };

    /// <summary>The <c>--detector FILE</c> option.</summary>
    public static Option<string?> DetectorOption() => new("--detector")
    {
        Description = $"Face detector: an SCRFD (InsightFace det_10g.onnx) or BlazeFace ONNX file, or '{BlazeFaceKeyword}' for the shipped real BlazeFace + FaceMesh models. Default: the --models pack's, then {DetectorVariable}, then the demo pack's.",
    };

    /// <summary>The <c>--embedder FILE</c> option.</summary>
    public static Option<string?> EmbedderOption() => new("--embedder")
    {
        Description = $"Face embedder: an ArcFace (InsightFace w600k_r50.onnx) or MobileFace ONNX file, or '{MobileFaceKeyword}' for the shipped real MobileFace model (256-d). Default: the --models pack's, then {EmbedderVariable}, then the demo pack's.",
    };

    /// <summary>The tokenizer folder (vocab.json, merges.txt).</summary>
    public string Tokenizer(string? option) =>
        Resolve(option, "--tokenizer", TokenizerVariable, "tokenizer", p => Path.GetDirectoryName(p.TokenizerVocabPath));

    /// <summary>The face detector model file.</summary>
    public string Detector(string? option) =>
        string.Equals(option, BlazeFaceKeyword, StringComparison.OrdinalIgnoreCase) ? Shipped(FaceModels.BlazeFace) : Resolve(option, "--detector", DetectorVariable, "face detector (facestudio.json component 'faceDetector')", p => p.FaceDetectorPath);

    /// <summary>The face embedder model file.</summary>
    public string Embedder(string? option) =>
        string.Equals(option, MobileFaceKeyword, StringComparison.OrdinalIgnoreCase) ? Shipped(FaceModels.MobileFace) : Resolve(option, "--embedder", EmbedderVariable, "face embedder (facestudio.json component 'faceEmbedder')", p => p.FaceEmbedderPath);

    /// <summary>
    /// The landmark model a BlazeFace detector needs: the 'faceLandmarker' of the --models pack (or of the demo pack, when
    /// an earlier model came from it), else the shipped FaceMesh.
    /// </summary>
    public string Landmarker()
    {
        if (models is not null)
        {
            _pack ??= ModelPack.Load(models.FullName);
        }

        if (_pack?.FaceLandmarkerPath is { } fromPack)
        {
            return fromPack;
        }

        return Shipped(FaceModels.FaceMesh);
    }

    /// <summary>A shipped model, extracted once into the user's local data folder.</summary>
    private static string Shipped(string fileName)
    {
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        string root = Path.Combine(string.IsNullOrEmpty(local) ? Path.GetTempPath() : local, "FaceStudio", "faces", "human-models-3.0.4");
        return Path.Combine(FaceModels.ExtractTo(root), fileName);
    }

    private string Resolve(string? option, string optionName, string variable, string what, Func<ModelPack, string?> fromPack)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return option;
        }

        if (models is not null)
        {
            ModelPack pack = _pack ??= ModelPack.Load(models.FullName);
            return fromPack(pack) ?? throw new FaceStudioValidationException(optionName,
                $"The model pack at '{pack.Root}' has no {what}; give {optionName} or a pack that has one.");
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (_pack is null)
        {
            _pack = DemoPack.EnsureCached();
            notices.WriteLine($"note: no {optionName}, --models or {variable} given; using the built-in demo pack ({_pack.Root}). {DemoNotice.Text}");
        }

        return fromPack(_pack)!;
    }
}
