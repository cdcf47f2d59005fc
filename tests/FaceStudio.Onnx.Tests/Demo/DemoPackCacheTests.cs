using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Onnx.Tests.Demo;

/// <summary>The demo pack cache: a private folder, and a pack checked against the SHA-256 list written with it.</summary>
public sealed class DemoPackCacheTests
{
    [Fact]
    public void A_cached_file_that_differs_from_its_hash_is_regenerated()
    {
        using var folder = new TestFolder();
        ModelPack first = DemoPack.EnsureCached(folder.Path, seed: 5);
        byte[] original = File.ReadAllBytes(first.UNetPath);
        byte[] tampered = (byte[])original.Clone();
        tampered[^1] ^= 0xFF;
        File.WriteAllBytes(first.UNetPath, tampered);
        Assert.Equal("'unet/model.onnx' differs from its SHA-256", DemoPackCache.Mismatch(first.Root));

        ModelPack again = DemoPack.EnsureCached(folder.Path, seed: 5);

        Assert.Equal(first.Root, again.Root);
        Assert.Equal(original, File.ReadAllBytes(again.UNetPath));
        Assert.Null(DemoPackCache.Mismatch(again.Root));
        Assert.Equal([again.Root], Directory.GetDirectories(folder.Path));
    }

    [Fact]
    public void A_file_added_to_or_removed_from_the_cached_pack_is_a_mismatch()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"), seed: 5);
        File.WriteAllText(Path.Combine(pack.Root, "unet", "extra.onnx"), "x");
        Assert.Equal("'unet/extra.onnx' is not in facestudio-demo.sha256", DemoPackCache.Mismatch(pack.Root));

        File.Delete(Path.Combine(pack.Root, "unet", "extra.onnx"));
        File.Delete(pack.VaeDecoderPath);
        Assert.Equal("'vae_decoder/model.onnx' is missing", DemoPackCache.Mismatch(pack.Root));
    }

    [Fact]
    public void The_hash_list_names_every_file_of_the_pack()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"), seed: 5);

        string[] listed = File.ReadAllLines(Path.Combine(pack.Root, DemoPackCache.HashFileName)).Select(l => l[66..]).ToArray();
        string[] files = Directory.GetFiles(pack.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(pack.Root, f).Replace('\\', '/'))
            .Where(f => f != DemoPackCache.HashFileName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(files, listed);
        Assert.Contains("facestudio.json", listed);
    }

    [Fact]
    public void A_new_cache_folder_is_created_private()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new TestFolder();
        string cache = folder.File("cache");

        DemoPack.EnsureCached(cache, seed: 5);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));
    }

    [Fact]
    public void A_cache_folder_writable_by_others_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new TestFolder();
        string cache = folder.File("shared");
        Directory.CreateDirectory(cache);
        File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var ex = Assert.Throws<ModelPackException>(() => DemoPack.EnsureCached(cache, seed: 5));

        Assert.Contains("writable by group or others (mode 707)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void A_cache_folder_owned_by_another_user_is_refused()
    {
        // The root folder belongs to root; a test run as root owns everything, so the check is moot there.
        if (OperatingSystem.IsWindows() || Environment.UserName == "root" || !Directory.Exists("/usr"))
        {
            return;
        }

        var ex = Assert.Throws<ModelPackException>(() => DemoPackCache.EnsurePrivateFolder("/usr"));

        Assert.Contains("owned by another user", ex.Message, StringComparison.Ordinal);
    }
}
