using FaceStudio.Core.Imaging;

namespace FaceStudio.TestSupport;

/// <summary>
/// A grey photo with one saturated square. The random demo detector (DemoFaceModels.Random) fires on saturated colours and not on
/// mid grey (checked by the tests that use it), so the square is where the demo "faces" are.
/// </summary>
public static class SquarePhoto
{
    /// <summary>A <paramref name="size"/>² mid-grey image with a <paramref name="side"/>² square of <paramref name="colour"/> at (<paramref name="x0"/>, <paramref name="y0"/>).</summary>
    public static RgbImage Make(int size, int x0, int y0, int side, (byte R, byte G, byte B) colour)
    {
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < size; x++)
            {
                bool inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                row[x * 3] = inside ? colour.R : (byte)128;
                row[(x * 3) + 1] = inside ? colour.G : (byte)128;
                row[(x * 3) + 2] = inside ? colour.B : (byte)128;
            }
        }

        return image;
    }
}
