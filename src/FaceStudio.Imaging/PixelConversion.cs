using FaceStudio.Core.Imaging;

namespace FaceStudio.Imaging;

/// <summary>RGBA to upright RGB in one pass: EXIF orientation and alpha compositing together.</summary>
internal static class PixelConversion
{
    /// <summary>
    /// Converts decoded, unpremultiplied RGBA (as stored, <paramref name="width"/> x <paramref name="height"/>) to an
    /// upright RGB image. <paramref name="orientation"/> is the EXIF value 1..8 (others count as 1);
    /// <paramref name="background"/> null means the pixels are opaque.
    /// </summary>
    public static RgbImage ToUprightRgb(byte[] rgba, int width, int height, int orientation, RgbColor? background)
    {
        if (orientation is < 1 or > 8)
        {
            orientation = 1;
        }

        bool swap = orientation >= 5;
        int outW = swap ? height : width, outH = swap ? width : height;
        var image = new RgbImage(outW, outH);
        byte[] dst = image.Pixels;

        // Where stored pixel (sx, sy) goes, as (dx, dy), per the EXIF definitions:
        // 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 anticlockwise.
        (int dx0, int dy0, int dxSx, int dySx, int dxSy, int dySy) = orientation switch
        {
            1 => (0, 0, 1, 0, 0, 1),
            2 => (width - 1, 0, -1, 0, 0, 1),
            3 => (width - 1, height - 1, -1, 0, 0, -1),
            4 => (0, height - 1, 1, 0, 0, -1),
            5 => (0, 0, 0, 1, 1, 0),
            6 => (height - 1, 0, 0, 1, -1, 0),
            7 => (height - 1, width - 1, 0, -1, -1, 0),
            _ => (0, width - 1, 0, -1, 1, 0),
        };
        int origin = ((dy0 * outW) + dx0) * 3;
        int stepX = ((dySx * outW) + dxSx) * 3;
        int stepY = ((dySy * outW) + dxSy) * 3;

        ReadOnlySpan<byte> src = rgba;
        if (background is not { } bg)
        {
            for (int sy = 0, s = 0; sy < height; sy++)
            {
                int o = origin + (sy * stepY);
                for (int sx = 0; sx < width; sx++, s += 4, o += stepX)
                {
                    dst[o] = src[s];
                    dst[o + 1] = src[s + 1];
                    dst[o + 2] = src[s + 2];
                }
            }

            return image;
        }

        int br = bg.R, bgG = bg.G, bb = bg.B;
        for (int sy = 0, s = 0; sy < height; sy++)
        {
            int o = origin + (sy * stepY);
            for (int sx = 0; sx < width; sx++, s += 4, o += stepX)
            {
                int a = src[s + 3], na = 255 - a;
                dst[o] = (byte)(((src[s] * a) + (br * na) + 127) / 255);
                dst[o + 1] = (byte)(((src[s + 1] * a) + (bgG * na) + 127) / 255);
                dst[o + 2] = (byte)(((src[s + 2] * a) + (bb * na) + 127) / 255);
            }
        }

        return image;
    }

    /// <summary>RGB to RGBX (alpha 255) for Skia, which has no packed 24-bit colour type.</summary>
    public static byte[] ToRgbx(RgbImage image)
    {
        byte[] src = image.Pixels;
        byte[] dst = GC.AllocateUninitializedArray<byte>(checked(image.Width * image.Height * 4));
        for (int s = 0, d = 0; s < src.Length; s += 3, d += 4)
        {
            dst[d] = src[s];
            dst[d + 1] = src[s + 1];
            dst[d + 2] = src[s + 2];
            dst[d + 3] = 255;
        }

        return dst;
    }
}
