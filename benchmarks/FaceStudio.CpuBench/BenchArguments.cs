using System.Globalization;

namespace FaceStudio.CpuBench;

/// <summary>The command line of the benchmark console.</summary>
internal sealed record BenchArguments(string Mode, string Pack, int Size, int Steps, int Runs, int Threads, bool Arena, bool MemoryPattern, bool LazyVaeEncoder)
{
    /// <summary>Low-memory mode (pipeline only).</summary>
    public bool LowMemory { get; init; }

    /// <summary><see cref="FaceStudio.Onnx.Sessions.OnnxSessionOptions.ShrinkCpuArenaAfterRun"/> (on unless <c>--no-arena-shrinkage</c>).</summary>
    public bool ShrinkArena { get; init; } = true;

    /// <summary>The text encoder released after each use (<c>--release-text-encoder</c>; pipeline only).</summary>
    public bool ReleaseTextEncoder { get; init; }

    /// <summary>Adds <c>session.disable_prepacking = 1</c> to every session (pipeline only).</summary>
    public bool DisablePrepacking { get; init; }

    /// <summary>Extra ONNX Runtime session config entries (<c>--session-config KEY=VALUE</c>, repeatable; pipeline only).</summary>
    public IReadOnlyDictionary<string, string> SessionConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>Identity photos, one region each (left to right); none for text-to-image.</summary>
    public IReadOnlyList<string> IdentityPhotos { get; init; } = [];

    /// <summary>A name for the pack variant (e.g. "mha"), put in front of the settings.</summary>
    public string? PackLabel { get; init; }

    /// <summary>A short name of the settings, for the table's rows.</summary>
    public string Label => string.Join("+", new[]
    {
        PackLabel, Arena ? null : "no-arena", MemoryPattern ? null : "no-mempattern", LazyVaeEncoder ? null : "eager-vae-encoder",
        LowMemory ? "low-memory" : null, ShrinkArena ? null : "no-arena-shrinkage", ReleaseTextEncoder ? "release-text-encoder" : null, DisablePrepacking ? "no-prepacking" : null,
    }.Concat(SessionConfig.Select(e => $"{e.Key}={e.Value}")).Where(s => s is not null).DefaultIfEmpty("default"));

    public static BenchArguments Parse(string[] args)
    {
        const string Usage = "usage: FaceStudio.CpuBench components|pipeline --pack DIR [--size 512] [--steps 6] [--runs 5] [--threads 2] [--no-arena] [--no-memory-pattern] [--eager-vae-encoder] [--low-memory] [--no-arena-shrinkage] [--release-text-encoder] [--disable-prepacking] [--identities PHOTO,PHOTO] [--session-config KEY=VALUE]... [--label TEXT]";
        if (args.Length == 0 || args[0] is not ("components" or "pipeline"))
        {
            throw new ArgumentException(Usage);
        }

        string? pack = null, label = null;
        int size = 512, steps = 6, runs = 5, threads = 2;
        bool arena = true, pattern = true, lazy = true, lowMemory = false, noPrepack = false, shrink = true, releaseText = false;
        string[] photos = [];
        var sessionConfig = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pack": pack = args[++i]; break;
                case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-arena": arena = false; break;
                case "--no-memory-pattern": pattern = false; break;
                case "--eager-vae-encoder": lazy = false; break;
                case "--low-memory": lowMemory = true; break;
                case "--disable-prepacking": noPrepack = true; break;
                case "--no-arena-shrinkage": shrink = false; break;
                case "--release-text-encoder": releaseText = true; break;
                case "--identities": photos = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--label": label = args[++i]; break;
                case "--session-config":
                    string[] entry = args[++i].Split('=', 2);
                    sessionConfig[entry[0]] = entry.Length == 2 ? entry[1] : throw new ArgumentException($"--session-config takes KEY=VALUE; got '{args[i]}'");
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'; {Usage}");
            }
        }

        if (pack is null || !Directory.Exists(pack))
        {
            throw new ArgumentException($"--pack must name a model pack folder; got '{pack}'.");
        }

        if (size % 8 != 0 || size < 8 || runs < 1 || steps < 2 || threads < 1)
        {
            throw new ArgumentException("--size must be a positive multiple of 8, --steps at least 2 (the first step is timed apart) and --runs, --threads at least 1.");
        }

        return new BenchArguments(args[0], pack, size, steps, runs, threads, arena, pattern, lazy)
        {
            LowMemory = lowMemory,
            DisablePrepacking = noPrepack,
            ShrinkArena = shrink,
            ReleaseTextEncoder = releaseText,
            IdentityPhotos = photos,
            PackLabel = label,
            SessionConfig = sessionConfig,
        };
    }
}
