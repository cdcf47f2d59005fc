using System.Runtime.InteropServices;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// What a path names without opening it (opening a FIFO blocks until a writer comes; writing to a device or through
/// a link reaches something else than a file): <c>lstat</c> through the .NET runtime's own native shim.
/// </summary>
internal static class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;

    /// <summary>
    /// Null when <paramref name="path"/> is a regular file or does not exist; otherwise what it is ("a FIFO",
    /// "a symbolic link", "a directory", …). Links are not followed.
    /// </summary>
    public static string? DescribeNonRegular(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return "a symbolic link";
        }

        if (Directory.Exists(path))
        {
            return "a directory";
        }

        if (!info.Exists || OperatingSystem.IsWindows())
        {
            return null;
        }

        int mode;
        try
        {
            if (LStat(path, out FileStatus status) != 0)
            {
                return null;
            }

            mode = status.Mode & TypeMask;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return mode switch
        {
            Regular => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0xA000 => "a symbolic link",
            0x4000 => "a directory",
            _ => "not a regular file",
        };
    }

    /// <summary>True when <paramref name="path"/> exists and is a regular file after following links.</summary>
    public static bool IsRegularFileFollowingLinks(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            return Stat(path, out FileStatus status) == 0 && (status.Mode & TypeMask) == Regular;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

    // The runtime shim's FileStatus: Flags then Mode lead; the rest (sizes, times, ids) is room to spare.
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }
}
