using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

/// <summary>Reads the diffusers reference trajectory file (format and origin: tests/TestData/README.md).</summary>
internal static class GoldenTrajectories
{
    public const string EnvironmentVariable = "FACESTUDIO_SCHEDULER_TRAJECTORIES";
    private const string RelativeDefault = "TestData/golden/scheduler-trajectories.json";
    private static readonly Lazy<(string? Path, JsonDocument? Document)> Loaded = new(Load);

    public static string? FilePath => Loaded.Value.Path;

    public static JsonElement Root => Loaded.Value.Document?.RootElement
        ?? throw new InvalidOperationException($"Golden trajectory file not found at '{FilePath ?? "(no repository root found)"}': set {EnvironmentVariable} or provide {RelativeDefault} beside the test assembly.");

    public static IEnumerable<string> CaseNames()
    {
        if (Loaded.Value.Document is null)
        {
            // A missing file is a failure, not a skip.
            return ["<golden file missing>"];
        }

        return Root.GetProperty("cases").EnumerateObject().Select(p => p.Name).ToList();
    }

    public static JsonElement Case(string name) => Root.GetProperty("cases").GetProperty(name);

    private static (string?, JsonDocument?) Load()
    {
        string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = FindDefault();
        }

        if (path is null || !File.Exists(path))
        {
            return (path, null);
        }

        return (path, JsonDocument.Parse(File.ReadAllText(path)));
    }

    // The copy of tests/TestData that the build puts beside the test assembly.
    private static string FindDefault() => Path.Combine(AppContext.BaseDirectory, RelativeDefault);

    /// <summary>The analytic model of the file: eps(x,t) = 0.5·x·cos(t/1000) + 0.2·sin(3x + t/250).</summary>
    public static void Model(ReadOnlySpan<float> x, double t, Span<float> output)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            output[i] = (float)((0.5 * v * Math.Cos(t / 1000.0)) + (0.2 * Math.Sin((3 * v) + (t / 250.0))));
        }
    }

    /// <summary>x0[i] = 0.9·sin(0.37·i) + 0.3·cos(0.11·i).</summary>
    public static float[] InitialLatents(int count)
    {
        var x0 = new float[count];
        for (int i = 0; i < count; i++)
        {
            x0[i] = (float)((0.9 * Math.Sin(0.37 * i)) + (0.3 * Math.Cos(0.11 * i)));
        }

        return x0;
    }

    /// <summary>Maps a diffusers class + config + step kwargs to a catalog name and config; throws for anything unsupported.</summary>
    public static (string Name, SchedulerConfig Config) Map(string className, JsonElement config, JsonElement stepKwargs)
    {
        DiffusersScheduler mapped = DiffusersSchedulerConfig.Map(className, config);
        SchedulerConfig c = mapped.Config;
        foreach (var property in stepKwargs.EnumerateObject())
        {
            if (property.Name == "eta" && className == "DDIMScheduler")
            {
                c = c with { Eta = property.Value.GetDouble() };
            }
            else
            {
                throw new NotSupportedException($"The SDK cannot map diffusers step argument {property.Name} = {property.Value}.");
            }
        }

        return (mapped.Name, c);
    }

    /// <summary>Inference steps that give <paramref name="calls"/> model calls for the class.</summary>
    public static int StepsForCalls(string className, int calls) => className switch
    {
        "HeunDiscreteScheduler" => (calls + 1) / 2,
        "PNDMScheduler" => calls - 1,
        _ => calls,
    };

    /// <summary>diffusers' constructor defaults for the settings the file may leave out.</summary>
    public static SchedulerConfig Defaults(string className) => DiffusersSchedulerConfig.Defaults(className);
}

/// <summary>The file's noise formula as a noise source: draw k fills n[i] = 1.1·sin(0.7 + 1.3k + 0.011·i·(k+1)).</summary>
internal sealed class FormulaNoiseSource : INoiseSource
{
    public int Draws { get; private set; }

    public void NextGaussian(Span<float> destination)
    {
        int k = Draws++;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(1.1 * Math.Sin(0.7 + (1.3 * k) + (0.011 * i * (k + 1))));
        }
    }
}
