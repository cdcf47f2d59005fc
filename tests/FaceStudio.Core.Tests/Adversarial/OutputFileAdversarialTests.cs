using System.Runtime.InteropServices;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Tests.Adversarial;

/// <summary>
/// Output targets that are not regular files, and links planted in the output folder: nothing but the target is
/// written, special targets are refused with one typed error naming the path, and no temporary file is left.
/// </summary>
public sealed class OutputFileAdversarialTests : IDisposable
{
    private static readonly byte[] Content = [1, 2, 3, 4];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fs-out-" + Guid.NewGuid().ToString("N"));

    public OutputFileAdversarialTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_new_file_and_an_existing_regular_file_are_written_whole_and_no_temporary_file_is_left()
    {
        string target = Path.Combine(_folder, "out.png");
        OutputFile.WriteAllBytes(target, Content);
        Assert.Equal(Content, File.ReadAllBytes(target));

        OutputFile.Write(target, s => s.Write([9, 8]));
        Assert.Equal([9, 8], File.ReadAllBytes(target));
        Assert.Equal(["out.png"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_character_device_is_refused_and_stays_a_device()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var ex = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes("/dev/null", Content));

        Assert.Equal("/dev/null", ex.Path);
        Assert.Contains("'/dev/null'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("character device", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.True(File.Exists("/dev/null"));
        Assert.False(FileKinds.IsRegularFileFollowingLinks("/dev/null"));
    }

    [Fact]
    public void A_fifo_is_refused_without_opening_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Path.Combine(_folder, "pipe.png");
        Assert.Equal(0, MakeFifo(fifo, 0x1B6));

        var ex = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes(fifo, Content));

        Assert.Contains(fifo, ex.Message, StringComparison.Ordinal);
        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_target_is_refused_and_what_it_points_to_is_untouched()
    {
        string victim = Path.Combine(_folder, "victim.txt");
        File.WriteAllText(victim, "keep");
        string link = Path.Combine(_folder, "out.png");
        File.CreateSymbolicLink(link, victim);

        var ex = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes(link, Content));

        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_directory_target_is_refused()
    {
        string dir = Path.Combine(_folder, "out.png");
        Directory.CreateDirectory(dir);

        var ex = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes(dir, Content));

        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(dir));
    }

    [Fact]
    public void Links_planted_under_the_old_predictable_temporary_names_are_never_followed()
    {
        // The old writer used ".NAME.PID.tmp"; an attacker plants links under such names (and a few guesses).
        string victim = Path.Combine(_folder, "victim.txt");
        File.WriteAllText(victim, "keep");
        int pid = Environment.ProcessId;
        for (int p = pid - 2; p <= pid + 2; p++)
        {
            File.CreateSymbolicLink(Path.Combine(_folder, $".out.png.{p}.tmp"), victim);
        }

        string target = Path.Combine(_folder, "out.png");
        OutputFile.WriteAllBytes(target, Content);

        Assert.Equal("keep", File.ReadAllText(victim));
        Assert.Equal(Content, File.ReadAllBytes(target));
        Assert.Null(new FileInfo(target).LinkTarget);
        Assert.Equal(5, Directory.GetFileSystemEntries(_folder, ".out.png.*").Length);
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        string target = Path.Combine(_folder, "out.png");
        File.WriteAllBytes(target, Content);

        Assert.Throws<InvalidOperationException>(() => OutputFile.Write(target, s =>
        {
            s.Write([7, 7, 7]);
            throw new InvalidOperationException("encoder failed");
        }));

        Assert.Equal(Content, File.ReadAllBytes(target));
        Assert.Equal(["out.png"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_or_unwritable_folder_is_reported_with_the_target_path_not_the_temporary_name()
    {
        string missing = Path.Combine(_folder, "no", "out.png");
        var ex = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes(missing, Content));
        Assert.Contains($"'{missing}'", ex.Message, StringComparison.Ordinal);

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string locked = Path.Combine(_folder, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            string probe = Path.Combine(locked, "probe");
            try
            {
                File.WriteAllText(probe, "x");
                return; // Running as root: permissions do not apply, nothing to observe.
            }
            catch (UnauthorizedAccessException)
            {
            }

            string target = Path.Combine(locked, "out.png");
            var denied = Assert.Throws<OutputFileException>(() => OutputFile.WriteAllBytes(target, Content));
            Assert.Contains($"'{target}'", denied.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", denied.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
