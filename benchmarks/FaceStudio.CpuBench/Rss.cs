using System.Globalization;

namespace FaceStudio.CpuBench;

/// <summary>Resident memory of this process from /proc/self/status (Linux).</summary>
internal static class Rss
{
    public static double CurrentGiB() => Read("VmRSS:");

    public static double PeakGiB() => Read("VmHWM:");

    private static double Read(string key)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                string kb = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) / (1024.0 * 1024.0);
            }
        }

        return double.NaN;
    }
}
