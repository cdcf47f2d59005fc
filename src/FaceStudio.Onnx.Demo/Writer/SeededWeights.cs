namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>
/// Deterministic pseudo-random weights (SplitMix64), identical on every platform and runtime for a seed, so a
/// model built twice from one seed is byte-identical.
/// </summary>
public sealed class SeededWeights
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public SeededWeights(ulong seed) => _state = seed;

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary><paramref name="count"/> values uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float[] Uniform(int count, float low, float high)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(low + ((high - low) * NextDouble()));
        }

        return values;
    }

    /// <summary><paramref name="count"/> values from N(0, <paramref name="std"/>²) (Box–Muller).</summary>
    public float[] Normal(int count, float std)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var values = new float[count];
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - NextDouble();
            double u2 = NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(std * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(std * r * Math.Sin(2 * Math.PI * u2));
            }
        }

        return values;
    }

    /// <summary>A weight matrix with fan-in scaling: uniform in ±1/√<paramref name="fanIn"/>.</summary>
    public float[] FanIn(int count, int fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        float bound = 1f / MathF.Sqrt(fanIn);
        return Uniform(count, -bound, bound);
    }
}
