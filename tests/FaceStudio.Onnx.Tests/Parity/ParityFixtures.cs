using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// The committed parity fixtures (tests/FaceStudio.Onnx.Tests/TestData/Parity, written by tools/parity/make-fixtures.sh):
/// locating them from the test's output folder and reading their .npy files (NumPy format 1.0–3.0, little-endian
/// float32, float64, int64, uint8; C order).
/// </summary>
internal static partial class ParityFixtures
{
    public static string Root => RepositoryPath("tests", "FaceStudio.Onnx.Tests", "TestData", "Parity");

    public static string Pack => Path.Combine(Root, "pack");

    public static string RepositoryPath(params string[] parts)
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

    public sealed record Npy(string Descr, long[] Shape, byte[] Data)
    {
        public float[] AsFloat() => Descr switch
        {
            "<f4" => FromBytes<float>(),
            "<f8" => FromBytes<double>().Select(v => (float)v).ToArray(),
            "<i8" => FromBytes<long>().Select(v => (float)v).ToArray(),
            "|u1" => Data.Select(v => (float)v).ToArray(),
            _ => throw new NotSupportedException(Descr),
        };

        public long[] AsInt64() => Descr == "<i8" ? FromBytes<long>() : throw new NotSupportedException(Descr);

        private T[] FromBytes<T>() where T : unmanaged
            => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    public static Npy Read(string relative)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root, relative));
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException(relative + ": not a .npy file");
        }

        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : (int)BitConverter.ToUInt32(bytes, 8);
        int start = major == 1 ? 10 : 12;
        string header = Encoding.Latin1.GetString(bytes, start, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new NotSupportedException(relative + ": Fortran order");
        }

        long[] shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new Npy(descr, shape, bytes[(start + headerLength)..]);
    }

    /// <summary>‖a − b‖₂ / ‖b‖₂ (b the reference).</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"lengths differ: {actual.Length} vs {expected.Length}");
        }

        double diff = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }

        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-30);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
