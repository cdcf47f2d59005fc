using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.TestSupport;

namespace FaceStudio.Samples.Tests;

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fs-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string NewFolder()
    {
        string path = File(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}

/// <summary>Pictures the tests send.</summary>
internal static class TestImages
{
    /// <summary>A grey photo with one saturated square (no face: the demo pack's real detector finds nothing on it).</summary>
    public static RgbImage Photo(int size, int x0, int y0, int side, (byte R, byte G, byte B) colour) =>
        FaceStudio.TestSupport.SquarePhoto.Make(size, x0, y0, side, colour);

    /// <summary>The standard face photo of these tests: the portrait's head, 128×128 (<see cref="FacePhotos.Head"/>).</summary>
    public static RgbImage Face() => FacePhotos.Head(FacePhotos.Portrait, Decode);

    /// <summary>Another person's head (Grace Hopper), 128×128.</summary>
    public static RgbImage OtherFace() => FacePhotos.Head(FacePhotos.OtherPerson, Decode);

    /// <summary>Two heads side by side (<see cref="Face"/> then <see cref="OtherFace"/>, 256×128): a photo with two faces.</summary>
    public static RgbImage TwoFaces()
    {
        RgbImage left = Face(), right = OtherFace();
        var pair = new RgbImage(256, 128);
        for (int y = 0; y < 128; y++)
        {
            left.Row(y).CopyTo(pair.Row(y));
            right.Row(y).CopyTo(pair.Row(y)[(128 * 3)..]);
        }

        return pair;
    }

    /// <summary>A real photo without people (coffee), scaled to 128 wide.</summary>
    public static RgbImage NoFace()
    {
        RgbImage photo = Decode(FacePhotos.Path(FacePhotos.NoPeople));
        return ImageResize.Resize(photo, 128, photo.Height * 128 / photo.Width);
    }

    private static RgbImage Decode(string path) => new SkiaImageCodec().Decode(path);

    /// <summary>A plain grey photo, where no detector finds a face.</summary>
    public static RgbImage Grey() => Photo(128, 0, 0, 0, (0, 0, 0));

    /// <summary>A colour gradient (style image).</summary>
    public static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                row[x * 3] = (byte)(x * 255 / (width - 1));
                row[(x * 3) + 1] = (byte)(y * 255 / (height - 1));
                row[(x * 3) + 2] = 90;
            }
        }

        return image;
    }

    public static byte[] Png(RgbImage image) => SkiaImageCodec.EncodePngBytes(image);

    public static string SavePng(RgbImage image, string path)
    {
        System.IO.File.WriteAllBytes(path, Png(image));
        return path;
    }

    /// <summary>The repository root (the folder holding FaceStudio.Core.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FaceStudio.Core.sln not found above " + AppContext.BaseDirectory);
    }
}
