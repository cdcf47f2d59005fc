using System.CommandLine;
using FaceStudio.Core.Errors;

namespace FaceStudio.Cli;

/// <summary>
/// Runs the parsed command and turns expected failures into one line on stderr and a non-zero exit code. Ctrl+C
/// cancels the running command (a second Ctrl+C ends the process at once); the cancelled run prints
/// <c>cancelled</c> and exits with <see cref="CancelledExitCode"/>.
/// </summary>
internal static class CliRunner
{
    /// <summary>Exit code for an expected failure (bad input, missing file, no face, ...).</summary>
    public const int ErrorExitCode = 1;

    /// <summary>Exit code for a cancelled run (Ctrl+C): 128 + SIGINT, as shells report it.</summary>
    public const int CancelledExitCode = 130;

    /// <summary>Runs <paramref name="args"/> with Ctrl+C wired to cancellation.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!cancel.IsCancellationRequested)
            {
                // First Ctrl+C: stop the work and let the command finish cleanly (finished images stay written).
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(root, args, cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs <paramref name="args"/>; cancelling <paramref name="cancellationToken"/> is what Ctrl+C does.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, CancellationToken cancellationToken)
    {
        // Cancellation is handled here, not by System.CommandLine's own Ctrl+C handler: that one returns 130 after a
        // timeout without waiting for the command, so nothing would say the run was cancelled.
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };

        // No response files: a prompt such as "@home" is text, not the name of a file to expand.
        var parser = new ParserConfiguration { ResponseFileTokenReplacer = null };
        try
        {
            return await root.Parse(args, parser).InvokeAsync(config, cancellationToken).ConfigureAwait(false);
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
