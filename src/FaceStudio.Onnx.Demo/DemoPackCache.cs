using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Onnx.Demo;

/// <summary>
/// Where <see cref="DemoPack.EnsureCached"/> keeps its pack, and how it trusts it: a private per-user folder (created
/// 0700 on Unix; a folder owned by another user, or writable by group or others, is refused) and a SHA-256 list of
/// every file written with the pack (<see cref="HashFileName"/>), checked on every use; a pack that differs is
/// regenerated and swapped in whole.
/// </summary>
internal static class DemoPackCache
{
    /// <summary>The SHA-256 list written next to the pack's files: one <c>hash  relative/path</c> line each.</summary>
    public const string HashFileName = "facestudio-demo.sha256";

    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The default cache folder: <c>FaceStudio</c> in the user's local application data folder.</summary>
    public static string DefaultRoot()
    {
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(local))
        {
            throw new ModelPackException("(demo pack cache)", ["The user has no local application data folder (HOME unset?); set DemoCacheDirectory (FaceStudio:DemoCacheDirectory) to a private folder for the demo pack."]);
        }

        return Path.Combine(local, "FaceStudio");
    }

    /// <summary>Creates <paramref name="folder"/> (0700 on Unix) if missing and refuses one that others could write.</summary>
    public static void EnsurePrivateFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, PrivateFolder);
            }
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var info = new DirectoryInfo(folder);
        if (info.LinkTarget is not null)
        {
            throw Refused(folder, $"it is a symbolic link (to '{info.LinkTarget}')");
        }

        UnixFileMode mode = info.UnixFileMode;
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw Refused(folder, string.Create(CultureInfo.InvariantCulture, $"it is writable by group or others (mode {Convert.ToString((int)mode, 8)})"));
        }

        try
        {
            // Only the owner may change a folder's mode: setting the mode it already has proves ownership.
            info.UnixFileMode = mode;
        }
        catch (UnauthorizedAccessException)
        {
            throw Refused(folder, "it is owned by another user");
        }
    }

    /// <summary>Writes the SHA-256 list of every file under <paramref name="root"/> (the list itself excepted).</summary>
    public static void WriteHashes(string root)
    {
        var lines = new StringBuilder();
        foreach (string relative in Files(root))
        {
            lines.Append(Hash(Path.Combine(root, relative))).Append("  ").Append(relative).Append('\n');
        }

        File.WriteAllText(Path.Combine(root, HashFileName), lines.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>
    /// Checks the pack at <paramref name="root"/> against its SHA-256 list; returns null when every file matches and
    /// none was added, else the first difference found.
    /// </summary>
    public static string? Mismatch(string root)
    {
        string list = Path.Combine(root, HashFileName);
        if (!File.Exists(list))
        {
            return $"no {HashFileName}";
        }

        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(list))
        {
            int split = line.IndexOf("  ", StringComparison.Ordinal);
            if (split != 64)
            {
                return $"malformed line in {HashFileName}: '{line}'";
            }

            expected[line[(split + 2)..]] = line[..split];
        }

        string[] present = Files(root);
        if (present.FirstOrDefault(f => !expected.ContainsKey(f)) is { } extra)
        {
            return $"'{extra}' is not in {HashFileName}";
        }

        foreach ((string relative, string hash) in expected)
        {
            string path = Path.Combine(root, relative);
            if (!File.Exists(path))
            {
                return $"'{relative}' is missing";
            }

            if (!string.Equals(Hash(path), hash, StringComparison.Ordinal))
            {
                return $"'{relative}' differs from its SHA-256";
            }
        }

        return null;
    }

    private static string[] Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !string.Equals(f, HashFileName, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string Hash(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static ModelPackException Refused(string folder, string why) =>
        new(folder, [$"The demo pack cache folder is not private: {why}. Use a folder only you can write (DemoCacheDirectory)."]);
}
