using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>Conveniences for <see cref="GeneratedImage"/>.</summary>
public static class GeneratedImageExtensions
{
    /// <summary>
    /// Saves <paramref name="image"/> as a PNG file through <see cref="OutputFile"/>: the PNG is written to a new
    /// temporary file with an unpredictable name beside <paramref name="path"/> and then renamed over it, so
    /// <paramref name="path"/> is never left half-written (a failed or cancelled save leaves it as it was), and a
    /// target that is a device, FIFO, link or folder is refused.
    /// </summary>
    /// <param name="image">The generated image.</param>
    /// <param name="codec">The codec that encodes the PNG (e.g. FaceStudio.Imaging's <c>SkiaImageCodec</c>).</param>
    /// <param name="path">The file to write; its folder must exist. An existing regular file is replaced.</param>
    /// <param name="cancellationToken">Cancels the save before the file is replaced.</param>
    /// <returns>The full path of the written file.</returns>
    /// <exception cref="Errors.OutputFileException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    public static string SaveAsPng(this GeneratedImage image, IImageCodec codec, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        OutputFile.Write(full, stream =>
        {
            codec.EncodePng(image.Image, stream, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        });
        return full;
    }
}
