using System.Text;

namespace FaceStudio.Imaging;

/// <summary>Recognises formats by their magic bytes, to tell "corrupt PNG" from "not an image at all" in messages.</summary>
internal static class ImageSignatures
{
    public static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
        {
            return "PNG";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8]))
        {
            return "JPEG";
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (d.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (d.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[(byte)'I', (byte)'I', 0x2A, 0]) || d.StartsWith((ReadOnlySpan<byte>)[(byte)'M', (byte)'M', 0, 0x2A]))
        {
            return "TIFF";
        }

        if (d.Length >= 12 && d.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return "HEIF/AVIF";
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]))
        {
            return "ICO";
        }

        return null;
    }

    public static bool IsSupported(string format) => format is "PNG" or "JPEG" or "WebP" or "BMP";

    public static string Hex(ReadOnlySpan<byte> d)
    {
        var sb = new StringBuilder();
        int n = Math.Min(d.Length, 8);
        for (int i = 0; i < n; i++)
        {
            sb.Append(i == 0 ? "0x" : " ").Append(d[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
