using FaceStudio.Core.Imaging;

namespace FaceStudio.TestSupport;

/// <summary>
/// The committed real photos of tests/TestData/faces/photos (public domain or CC0; sources in tests/TestData/faces/README.md),
/// which the build copies beside every test assembly.
/// </summary>
public static class FacePhotos
{
    /// <summary>A portrait with one face (astronaut Eileen Collins, NASA, 512×512).</summary>
    public const string Portrait = "astronaut.jpg";

    /// <summary>Another person's portrait (Grace Hopper, US Navy, 512×600).</summary>
    public const string OtherPerson = "grace-hopper.jpg";

    /// <summary>A photo without people (a cup of coffee, 600×400).</summary>
    public const string NoPeople = "coffee.jpg";

    /// <summary>Three faces side by side (720×240, synthetic).</summary>
    public const string Group = "group-tiled.jpg";

    /// <summary>The folder holding the photos beside the running test assembly.</summary>
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "faces", "photos");

    /// <summary>The full path of one photo; throws when the build did not copy it.</summary>
    public static string Path(string file)
    {
        string path = System.IO.Path.Combine(Folder, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Expected the test photo '{file}' beside the test assembly (copied from tests/TestData/faces/photos), but '{path}' does not exist.", path);
    }

    /// <summary>The bytes of one photo (JPEG as committed).</summary>
    public static byte[] Bytes(string file) => File.ReadAllBytes(Path(file));

    /// <summary>
    /// A small head shot: a square around the face of <see cref="Portrait"/> (256 pixels) or <see cref="OtherPerson"/>
    /// (320 pixels), scaled to 128×128 so uploads stay small (about 40 kB as PNG). BlazeFace finds exactly one face on
    /// each (checked by the tests that use them).
    /// </summary>
    /// <param name="file"><see cref="Portrait"/> or <see cref="OtherPerson"/>.</param>
    /// <param name="decode">Decodes a photo file (the test project's codec; this project has none).</param>
    public static RgbImage Head(string file, Func<string, RgbImage> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        (int x, int y, int side) = file switch
        {
            Portrait => (97, 0, 256),
            OtherPerson => (107, 77, 320),
            _ => throw new ArgumentException($"Expected {Portrait} or {OtherPerson}, but got '{file}'.", nameof(file)),
        };
        return ImageResize.Resize(ImageOps.Crop(decode(Path(file)), x, y, side, side), 128, 128);
    }
}
