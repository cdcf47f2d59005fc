using System.Globalization;

namespace FaceStudio.CpuBench;

/// <summary>The command line of the benchmark console.</summary>
internal sealed record BenchArguments(string Mode, string Pack, int Size, int Steps, int Runs, int Threads, bool Arena, bool MemoryPattern, bool LazyVaeEncoder)
{
    /// <summary>A short name of the settings, for the table's rows.</summary>
    public string Label => string.Join("+", new[] { Arena ? null : "no-arena", MemoryPattern ? null : "no-mempattern", LazyVaeEncoder ? null : "eager-vae-encoder" }.Where(s => s is not null).DefaultIfEmpty("default"));

    public static BenchArguments Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("components" or "pipeline"))
        {
            throw new ArgumentException("usage: FaceStudio.CpuBench components|pipeline --pack DIR [--size 512] [--steps 5] [--runs 5] [--threads 2] [--no-arena] [--no-memory-pattern] [--eager-vae-encoder]");
        }

        string? pack = null;
        int size = 512, steps = 5, runs = 5, threads = 2;
        bool arena = true, pattern = true, lazy = true;
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
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        if (pack is null || !Directory.Exists(pack))
        {
            throw new ArgumentException($"--pack must name a model pack folder; got '{pack}'.");
        }

        if (size % 8 != 0 || size < 8 || runs < 1 || steps < 1 || threads < 1)
        {
            throw new ArgumentException("--size must be a positive multiple of 8 and --runs, --steps, --threads at least 1.");
        }

        return new BenchArguments(args[0], pack, size, steps, runs, threads, arena, pattern, lazy);
    }
}
