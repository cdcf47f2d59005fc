using System.CommandLine;
using FaceStudio.Core.Errors;

namespace FaceStudio.Cli;

/// <summary>Runs the parsed command and turns expected failures into one line on stderr and a non-zero exit code.</summary>
internal static class CliRunner
{
    /// <summary>Exit code for an expected failure (bad input, missing file, no face, ...).</summary>
    public const int ErrorExitCode = 1;

    /// <summary>Exit code for a cancelled run (Ctrl+C).</summary>
    public const int CancelledExitCode = 130;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };

        // No response files: a prompt such as "@home" is text, not the name of a file to expand.
        var parser = new ParserConfiguration { ResponseFileTokenReplacer = null };
        try
        {
            return await root.Parse(args, parser).InvokeAsync(config).ConfigureAwait(false);
        }
        catch (FaceStudioException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return CancelledExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ErrorExitCode;
        }
    }
}
