using System.Text.Json;

namespace FaceStudio.Core.Tests.Randomness;

/// <summary>Reads tests/FaceStudio.Core.Tests/TestData/Parity/torch_cpu_randn.json (written by tools/parity/record_noise.py).</summary>
internal static class TorchNoiseParityFixtures
{
    public sealed record Call(int[] Shape, string DType, double[] Values);

    public sealed record Case(string Name, long Seed, Call[] Calls);

    private static readonly Lazy<(string Torch, Dictionary<string, Case> Cases)> Loaded = new(Load);

    public static string TorchVersion => Loaded.Value.Torch;

    public static IEnumerable<string> CaseNames => Loaded.Value.Cases.Keys;

    public static Case Get(string name) => Loaded.Value.Cases[name];

    public static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("repository root (FaceStudio.Core.sln) not found above " + AppContext.BaseDirectory);
    }

    private static (string, Dictionary<string, Case>) Load()
    {
        var path = RepositoryFile("tests", "FaceStudio.Core.Tests", "TestData", "Parity", "torch_cpu_randn.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var calls = c.GetProperty("calls").EnumerateArray().Select(call => new Call(
                call.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                call.GetProperty("dtype").GetString()!,
                call.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray())).ToArray();
            cases.Add(c.GetProperty("name").GetString()!, new Case(c.GetProperty("name").GetString()!, c.GetProperty("seed").GetInt64(), calls));
        }

        return (doc.RootElement.GetProperty("torch").GetString()!, cases);
    }
}
