using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Identity;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Identity;

namespace FaceStudio.Cli.Commands;

/// <summary>
/// <c>facestudio similarity --face PHOTOS... --image GENERATED</c>: the paper's identity metric, ArcFace cosine similarity
/// between the identity and each face of a generated image.
/// </summary>
internal static class SimilarityCommand
{
    public static Command Create()
    {
        var face = new Option<string[]>("--face")
        {
            Description = "Reference photos of the person, or one identity JSON written by 'embed'.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var image = new Option<string>("--image") { Description = "The generated image to score.", Required = true };
        var detector = ModelResolver.DetectorOption();
        var embedder = ModelResolver.EmbedderOption();
        var models = ModelResolver.ModelsOption();
        var command = new Command("similarity",
            "Print the ArcFace cosine similarity between an identity and each face found in a generated image, one line per face "
            + "(with its box as pixel corners x0,y0,x1,y1).")
        {
            face, image, detector, embedder, models,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var resolver = new ModelResolver(parseResult.GetValue(models), Console.Error);
            return RunAsync(
                parseResult.GetValue(face)!, parseResult.GetValue(image)!,
                resolver.Detector(parseResult.GetValue(detector)), resolver, resolver.Embedder(parseResult.GetValue(embedder)), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] references, string imagePath, string detectorPath, ModelResolver resolver, string embedderPath, CancellationToken cancellationToken)
    {
        var detector = FaceBackendLoader.LoadDetector(detectorPath, resolver.Landmarker());
        using var ownDetector = detector as IDisposable;
        var embedder = FaceBackendLoader.LoadEmbedder(embedderPath);
        using var ownEmbedder = embedder as IDisposable;
        var identity = references.Length == 1 && references[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? IdentityEmbeddingFile.Load(references[0])
            : await EmbedCommand.EncodeAsync(references, FaceSelection.Largest, 64f, detector, embedder, cancellationToken).ConfigureAwait(false);

        var generated = new SkiaImageCodec().Decode(imagePath, cancellationToken: cancellationToken);
        var scores = await new IdentitySimilarity(detector, embedder).ScoreAsync(identity, generated, cancellationToken).ConfigureAwait(false);
        if (scores.Count == 0)
        {
            throw new FaceNotFoundException(imagePath, $"Image '{imagePath}': expected at least one face to score, but the detector found none.");
        }

        for (int i = 0; i < scores.Count; i++)
        {
            var b = scores[i].Face.Box;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#{i} similarity {scores[i].Similarity:F4} box {b.X:F1},{b.Y:F1},{b.Right:F1},{b.Bottom:F1} score {scores[i].Face.Score:F3}"));
        }

        return 0;
    }
}
