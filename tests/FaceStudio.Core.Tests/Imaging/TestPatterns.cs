using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Imaging;

internal static class TestPatterns
{
    public static RgbImage Random(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    public static RgbImage Constant(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            image.Pixels[i] = r;
            image.Pixels[i + 1] = g;
            image.Pixels[i + 2] = b;
        }

        return image;
    }

    /// <summary>Grey image whose value at (x, y) is f(x, y) in every channel.</summary>
    public static RgbImage Gray(int width, int height, Func<int, int, byte> f)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte v = f(x, y);
                int o = ((y * width) + x) * 3;
                image.Pixels[o] = v;
                image.Pixels[o + 1] = v;
                image.Pixels[o + 2] = v;
            }
        }

        return image;
    }

    public static RgbImage Checkerboard(int width, int height) => Gray(width, height, (x, y) => ((x + y) % 2 == 1) ? (byte)255 : (byte)0);

    public static (byte R, byte G, byte B) At(RgbImage image, int x, int y)
    {
        int o = ((y * image.Width) + x) * 3;
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }
}
