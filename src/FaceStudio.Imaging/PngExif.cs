using System.Buffers.Binary;

namespace FaceStudio.Imaging;

/// <summary>
/// Reads the EXIF Orientation of a PNG's <c>eXIf</c> chunk, which Skia's PNG codec ignores. Strictly bounds-checked:
/// anything malformed means "no orientation" (1), never an error, since the pixels may still be fine.
/// </summary>
internal static class PngExif
{
    public static int ReadOrientation(ReadOnlySpan<byte> png)
    {
        int i = 8; // after the signature
        while (i <= png.Length - 12)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[i..]);
            if (length > (uint)(png.Length - i - 12))
            {
                return 1;
            }

            ReadOnlySpan<byte> type = png.Slice(i + 4, 4);
            if (type.SequenceEqual("eXIf"u8))
            {
                return TiffOrientation(png.Slice(i + 8, (int)length));
            }

            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8))
            {
                return 1; // eXIf must come before the image data
            }

            i += 12 + (int)length;
        }

        return 1;
    }

    /// <summary>Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block, or 1.</summary>
    internal static int TiffOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.StartsWith("Exif\0\0"u8))
        {
            tiff = tiff[6..]; // some writers keep the JPEG APP1 prefix
        }

        if (tiff.Length < 8)
        {
            return 1;
        }

        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I')
        {
            little = true;
        }
        else if (tiff[0] == 'M' && tiff[1] == 'M')
        {
            little = false;
        }
        else
        {
            return 1;
        }

        if (U16(tiff[2..], little) != 42)
        {
            return 1;
        }

        uint ifd = U32(tiff[4..], little);
        if (ifd > (uint)(tiff.Length - 2))
        {
            return 1;
        }

        int count = U16(tiff[(int)ifd..], little);
        int entries = (int)ifd + 2;
        for (int e = 0; e < count && entries + (12 * (e + 1)) <= tiff.Length; e++)
        {
            ReadOnlySpan<byte> entry = tiff.Slice(entries + (12 * e), 12);
            if (U16(entry, little) == 0x0112 && U16(entry[2..], little) == 3)
            {
                int value = U16(entry[8..], little);
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> d, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(d) : BinaryPrimitives.ReadUInt16BigEndian(d);

    private static uint U32(ReadOnlySpan<byte> d, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(d) : BinaryPrimitives.ReadUInt32BigEndian(d);
}
