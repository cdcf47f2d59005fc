using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Identity;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Identity;

namespace FaceStudio.Cli.Commands;

/// <summary><c>facestudio embed PHOTOS... --out id.json</c>: one person's identity embedding from reference photos.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "One or more photos of the same person.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Where to write the identity (facestudio.identity/1 JSON).", Required = true };
        var faceIndex = new Option<int?>("--face-index") { Description = "Take the face at this index (0 = most confident) instead of the largest." };
        var minSize = new Option<float>("--min-face-size") { Description = "Warn when a face's shorter side is below this many pixels.", DefaultValueFactory = _ => 64f };
        var detector = ModelResolver.DetectorOption();
        var embedder = ModelResolver.EmbedderOption();
        var models = ModelResolver.ModelsOption();
        var command = new Command("embed",
            "Compute one person's ArcFace identity from reference photos (mean of the normalised embeddings, renormalised) "
            + "and save it as JSON, usable in place of the photos.")
        {
            photos, output, faceIndex, minSize, detector, embedder, models,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var resolver = new ModelResolver(parseResult.GetValue(models), Console.Error);
            return RunAsync(
                parseResult.GetValue(photos)!, parseResult.GetValue(output)!, parseResult.GetValue(faceIndex), parseResult.GetValue(minSize),
                resolver.Detector(parseResult.GetValue(detector)), resolver, resolver.Embedder(parseResult.GetValue(embedder)), cancellationToken);
        });
        return command;
    }

    /// <summary>Loads the models, decodes the photos and encodes the identity (shared with <c>similarity</c>).</summary>
    internal static async Task<IdentityEmbedding> EncodeAsync(
        IReadOnlyList<string> photoPaths, FaceSelection selection, float minimumSize, IFaceDetector detector, IFaceEmbedder embedder, CancellationToken cancellationToken)
    {
        var codec = new SkiaImageCodec();
        var photos = photoPaths.Select(p => new IdentityPhoto(p, codec.Decode(p, cancellationToken: cancellationToken))).ToArray();
        var encoder = new IdentityEncoder(detector, embedder, new IdentityEncoderOptions { Selection = selection, MinimumFaceSize = minimumSize });
        var identity = await encoder.EncodeAsync(photos, selection, cancellationToken).ConfigureAwait(false);
        WarnSmallFaces(identity, minimumSize);
        return identity;
    }

    private static async Task<int> RunAsync(string[] photoPaths, string outputPath, int? faceIndex, float minimumSize, string detectorPath, ModelResolver resolver, string embedderPath, CancellationToken cancellationToken)
    {
        var detector = FaceBackendLoader.LoadDetector(detectorPath, resolver.Landmarker());
        using var ownDetector = detector as IDisposable;
        var embedder = FaceBackendLoader.LoadEmbedder(embedderPath);
        using var ownEmbedder = embedder as IDisposable;
        var selection = faceIndex is { } i ? FaceSelection.AtIndex(i) : FaceSelection.Largest;
        var identity = await EncodeAsync(photoPaths, selection, minimumSize, detector, embedder, cancellationToken).ConfigureAwait(false);
        IdentityEmbeddingFile.Save(identity, outputPath);
        foreach (var f in identity.Faces)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Source}: face #{f.FaceIndex} of {f.FacesInPhoto}, score {f.Score:F3}, size {f.Size:F0} px"));
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outputPath} ({identity.Dimension}-d, {identity.Faces.Count} face(s))"));
        return 0;
    }

    /// <summary>Prints one warning line per face below the minimum size.</summary>
    private static void WarnSmallFaces(IdentityEmbedding identity, float minimum)
    {
        foreach (var f in identity.Faces.Where(f => f.BelowMinimumSize))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: photo '{f.Source}': face #{f.FaceIndex} is {f.Size:F0} px on its shorter side, below {minimum:F0} px; its embedding may be unreliable."));
        }
    }
}
