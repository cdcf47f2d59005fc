using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>Conveniences for <see cref="GeneratedImage"/>.</summary>
public static class GeneratedImageExtensions
{
    /// <summary>
    /// Saves <paramref name="image"/> as a PNG file. The PNG is written to a temporary file beside
    /// <paramref name="path"/> and then renamed over it, so <paramref name="path"/> is never left half-written
    /// (a failed or cancelled save leaves it as it was).
    /// </summary>
    /// <param name="image">The generated image.</param>
    /// <param name="codec">The codec that encodes the PNG (e.g. FaceStudio.Imaging's <c>SkiaImageCodec</c>).</param>
    /// <param name="path">The file to write; its folder must exist. An existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the save before the file is replaced.</param>
    /// <returns>The full path of the written file.</returns>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    public static string SaveAsPng(this GeneratedImage image, IImageCodec codec, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            codec.EncodePng(image.Image, temp, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, full, overwrite: true);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The temporary file is an implementation detail: name the file the caller asked for.
            string reason = ex is UnauthorizedAccessException ? "access is denied" : ex.Message.Replace(temp, full, StringComparison.Ordinal);
            throw new IOException($"Cannot write the image '{full}': {reason}", ex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
