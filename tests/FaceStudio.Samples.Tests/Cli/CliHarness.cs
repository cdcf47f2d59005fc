extern alias cli;

using System.CommandLine;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using CliRunner = cli::FaceStudio.Cli.CliRunner;
using CommandCatalog = cli::FaceStudio.Cli.CommandCatalog;

namespace FaceStudio.Samples.Tests.Cli;

/// <summary>CLI tests swap the process-wide Console writers and environment, so they never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>What one CLI run printed.</summary>
/// <param name="ExitCode">The process exit code the CLI returns.</param>
/// <param name="Out">Everything written to stdout.</param>
/// <param name="Error">Everything written to stderr.</param>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}

/// <summary>A demo pack in a temporary folder for the CLI tests, and the in-process runner.</summary>
public sealed class CliFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public CliFixture()
    {
        Pack = DemoPack.Create(_folder.File("pack"));
    }

    public ModelPack Pack { get; }

    public string NewFolder() => _folder.NewFolder();

    /// <summary>Runs the CLI in process exactly as Program.cs does, capturing stdout and stderr.</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, onOutLine: null, CancellationToken.None);

    /// <summary>
    /// Runs the CLI in process; <paramref name="cancellationToken"/> plays Ctrl+C and <paramref name="onOutLine"/> sees
    /// each line the CLI writes to stdout as it is written.
    /// </summary>
    public static async Task<CliResult> RunAsync(string[] args, Action<string>? onOutLine, CancellationToken cancellationToken)
    {
        var root = new RootCommand("facestudio (test)");
        foreach (Command command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        TextWriter stdout = Console.Out, stderr = Console.Error;
        using var outWriter = new LineWatchingWriter(onOutLine);
        using var errorWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errorWriter);
        try
        {
            int code = await CliRunner.RunAsync(root, args, cancellationToken);
            return new CliResult(code, outWriter.ToString(), errorWriter.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>Runs <paramref name="action"/> with environment variables set (null removes), restoring them after.</summary>
    public static async Task<T> WithEnvironmentAsync<T>(IReadOnlyDictionary<string, string?> variables, Func<Task<T>> action)
    {
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach ((string key, string? value) in variables)
            {
                Environment.SetEnvironmentVariable(key, value);
            }

            return await action();
        }
        finally
        {
            foreach ((string key, string? value) in saved)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>A <see cref="StringWriter"/> that reports each line written with <see cref="TextWriter.WriteLine(string)"/>.</summary>
internal sealed class LineWatchingWriter(Action<string>? onLine) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        onLine?.Invoke(value ?? string.Empty);
    }
}
