using System.Globalization;
using System.Text.Json;

namespace FaceStudio.CpuBench;

/// <summary>One JSON object per line on stdout.</summary>
internal static class Report
{
    public static void Line(string kind, string config, params (string Key, object Value)[] fields)
    {
        var values = new Dictionary<string, object> { ["side"] = "sdk", ["kind"] = kind, ["config"] = config };
        foreach ((string key, object value) in fields)
        {
            values[key] = value is double d ? Math.Round(d, 4) : value;
        }

        Console.WriteLine(JsonSerializer.Serialize(values));
    }
}
