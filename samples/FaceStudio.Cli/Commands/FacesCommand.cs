using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Identity;

namespace FaceStudio.Cli.Commands;

/// <summary><c>facestudio faces PHOTO [--save-crops DIR]</c>: lists the faces of a photo (box, score, landmarks).</summary>
internal static class FacesCommand
{
    public static Command Create()
    {
        var photo = new Argument<string>("photo") { Description = "The photo to search for faces (PNG, JPEG, WebP or BMP)." };
        var saveCrops = new Option<string?>("--save-crops") { Description = "Folder to write each face's aligned 112×112 ArcFace crop to (face_0.png, face_1.png, …)." };
        var detector = ModelResolver.DetectorOption();
        var models = ModelResolver.ModelsOption();
        var threshold = new Option<float>("--threshold") { Description = "Detection score threshold.", DefaultValueFactory = _ => 0.5f };
        var command = new Command("faces",
            "List the faces in a photo, most confident first: index, score, box as pixel corners x0,y0,x1,y1 (left, top, right, "
            + "bottom; the notation generate's --face PHOTO@x0,y0,x1,y1 takes) and five landmarks "
            + "(left eye, right eye, nose, left and right mouth corner), in photo pixels.")
        {
            photo, saveCrops, detector, models, threshold,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var resolver = new ModelResolver(parseResult.GetValue(models), Console.Error);
            string detectorPath = resolver.Detector(parseResult.GetValue(detector));
            return RunAsync(parseResult.GetValue(photo)!, parseResult.GetValue(saveCrops), detectorPath, resolver, parseResult.GetValue(threshold), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string photoPath, string? cropDirectory, string detectorPath, ModelResolver resolver, float threshold, CancellationToken cancellationToken)
    {
        var codec = new SkiaImageCodec();
        RgbImage image = codec.Decode(photoPath, cancellationToken: cancellationToken);
        var detector = FaceBackendLoader.LoadDetector(detectorPath, resolver.Landmarker(), scoreThreshold: threshold);
        using var ownDetector = detector as IDisposable;
        var faces = await detector.DetectAsync(image, cancellationToken).ConfigureAwait(false);
        if (faces.Count == 0)
        {
            throw new FaceNotFoundException(photoPath, $"Photo '{photoPath}': expected at least one face, but the detector found none.");
        }

        if (cropDirectory is not null)
        {
            Directory.CreateDirectory(cropDirectory);
        }

        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            string landmarks = string.Join(' ', f.Landmarks.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:F1},{p.Y:F1}")));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#{i} score {f.Score:F3} box {f.Box.X:F1},{f.Box.Y:F1},{f.Box.Right:F1},{f.Box.Bottom:F1} size {f.Box.ShortSide:F0} landmarks {landmarks}"));
            if (cropDirectory is not null)
            {
                codec.EncodePng(FaceAligner.Crop(image, f), Path.Combine(cropDirectory, string.Create(CultureInfo.InvariantCulture, $"face_{i}.png")), cancellationToken);
            }
        }

        return 0;
    }
}
