namespace FaceStudio.Core.Imaging;

/// <summary>
/// Reads pictures into upright, opaque <see cref="RgbImage"/>s (EXIF orientation applied, alpha composited) and
/// writes PNG. Implementations live outside Core (for example <c>FaceStudio.Imaging.SkiaImageCodec</c>) so Core
/// code can work with images without a native dependency.
/// </summary>
/// <remarks>
/// Failures raise <see cref="ImageDecodeException"/> (unreadable, empty, truncated, corrupt),
/// <see cref="UnsupportedImageFormatException"/> or <see cref="ImageTooLargeException"/>; each message names the
/// source. Implementations are thread-safe.
/// </remarks>
public interface IImageCodec
{
    /// <summary>Decodes the file at <paramref name="path"/>; <paramref name="options"/> null means the codec's defaults.</summary>
    RgbImage Decode(string path, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decodes the rest of <paramref name="stream"/>; <paramref name="sourceName"/> names it in error messages;
    /// <paramref name="options"/> null means the codec's defaults. The stream is not disposed.
    /// </summary>
    RgbImage Decode(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the rest of <paramref name="stream"/> asynchronously (request bodies in ASP.NET Core forbid synchronous
    /// reads), then decodes it as <see cref="Decode(Stream, string, ImageDecodeOptions?, CancellationToken)"/> does.
    /// </summary>
    Task<RgbImage> DecodeAsync(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Decodes an encoded picture held in memory; <paramref name="sourceName"/> names it in error messages.</summary>
    RgbImage Decode(ReadOnlyMemory<byte> data, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="image"/> as an 8-bit RGB PNG to <paramref name="destination"/> (not disposed).</summary>
    void EncodePng(RgbImage image, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="image"/> as an 8-bit RGB PNG to <paramref name="destination"/> asynchronously (not disposed).</summary>
    Task EncodePngAsync(RgbImage image, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="image"/> as an 8-bit RGB PNG file, replacing any file at <paramref name="path"/>.</summary>
    void EncodePng(RgbImage image, string path, CancellationToken cancellationToken = default);
}
