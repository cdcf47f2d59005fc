using System.Security.Cryptography;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// Writes output files safely: the target must be a regular file or absent (never a device, FIFO, link or folder);
/// the content goes to a new temporary file with an unpredictable name in the target's folder, created exclusively
/// (an existing file or planted link there is never opened), and is then renamed over the target in one step, so
/// the target is either the old file or the complete new one.
/// </summary>
public static class OutputFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>.</summary>
    /// <exception cref="OutputFileException">The target is not a regular file, or its folder is missing or not writable.</exception>
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> content)
    {
        string full = CheckTarget(path);
        string temp = CreateTemporary(full, out FileStream stream);
        Complete(full, temp, stream, s => s.Write(content.Span));
    }

    /// <summary>Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/>.</summary>
    /// <exception cref="OutputFileException">The target is not a regular file, or its folder is missing or not writable.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = CheckTarget(path);
        string temp = CreateTemporary(full, out FileStream stream);
        Complete(full, temp, stream, write);
    }

    /// <summary>
    /// Checks that <paramref name="path"/> may be written: absent or a regular file, in an existing folder.
    /// Returns the full path.
    /// </summary>
    /// <exception cref="OutputFileException">It may not.</exception>
    public static string CheckTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (FileKinds.DescribeNonRegular(full) is { } kind)
        {
            throw new OutputFileException(full, $"Cannot write '{full}': expected a regular file or a new name, but it is {kind}.");
        }

        string folder = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(folder))
        {
            throw new OutputFileException(full, $"Cannot write '{full}': expected an existing folder, but '{folder}' does not exist.");
        }

        return full;
    }

    private static string CreateTemporary(string full, out FileStream stream)
    {
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}.tmp");
        try
        {
            // CreateNew is O_CREAT|O_EXCL: it fails on any existing entry, a planted link included, and never follows one.
            stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed(full, temp, ex);
        }

        return temp;
    }

    private static void Complete(string full, string temp, FileStream stream, Action<Stream> write)
    {
        bool moved = false;
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // Checked again just before the rename, which replaces the entry itself and never follows a link.
            CheckTarget(full);
            File.Move(temp, full, overwrite: true);
            moved = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed(full, temp, ex);
        }
        finally
        {
            if (!moved)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The write already failed; that error is the one to report.
                }
            }
        }
    }

    private static OutputFileException Failed(string full, string temp, Exception ex)
    {
        string folder = Path.GetDirectoryName(full)!;
        string reason = ex is UnauthorizedAccessException
            ? $"the folder '{folder}' is not writable"
            : ex.Message.Replace(temp, full, StringComparison.Ordinal);
        return new OutputFileException(full, $"Cannot write '{full}': {reason}.", ex);
    }
}
