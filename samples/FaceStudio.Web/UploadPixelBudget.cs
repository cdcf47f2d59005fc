using System.Globalization;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Web;

/// <summary>
/// One request's upload pixel budget (<see cref="GenerateEndpointOptions.MaxUploadPixels"/>, the sum over all its
/// images): each image's header is checked against what is left before any pixel is decoded, and at most
/// <see cref="GenerateEndpointOptions.MaxConcurrentDecodes"/> decodes run at once across requests.
/// </summary>
internal sealed class UploadPixelBudget(long total)
{
    /// <summary>The request's whole budget in pixels.</summary>
    public long Total { get; } = total;

    /// <summary>What is left of it.</summary>
    public long Remaining { get; private set; } = total;

    /// <summary>Decodes <paramref name="file"/> within what is left, holding a decode slot of <paramref name="gate"/>.</summary>
    public async Task<RgbImage> DecodeAsync(IImageCodec codec, UploadDecodeGate gate, IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        using (await gate.EnterAsync(cancellationToken))
        {
            var decodeOptions = new ImageDecodeOptions { MaxPixels = Math.Max(1, Math.Min(Remaining, ImageDecodeOptions.DefaultMaxPixels)) };
            RgbImage image = codec.Decode(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), file.FileName, decodeOptions, cancellationToken);
            Remaining = Math.Max(0, Remaining - ((long)image.Width * image.Height));
            return image;
        }
    }

    /// <summary>The message for a decode failure: over-budget images say how much of the budget was left.</summary>
    public string Describe(IFormFile file, ImageInputException error) => error is ImageTooLargeException large
        ? string.Create(CultureInfo.InvariantCulture,
            $"'{file.FileName}' is {large.Width}x{large.Height} ({(long)large.Width * large.Height} pixels) but this request has {Remaining} of its {Total} pixel budget left (GenerateEndpoint:MaxUploadPixels, the sum over all uploads).")
        : error.Message;
}
