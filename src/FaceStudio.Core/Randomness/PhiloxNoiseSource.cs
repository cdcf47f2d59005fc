namespace FaceStudio.Core.Randomness;

/// <summary>
/// Seeded standard-normal source: Philox4x32-10 keyed by the seed, counter incremented per block of four words,
/// Box–Muller on pairs of words. Bit-identical on every OS and run for the same seed and the same sequence of calls.
/// </summary>
/// <remarks>
/// Word pairs (a, b) become u1 = (a + 1) / 2^32 in (0, 1] and u2 = b / 2^32 in [0, 1);
/// z0 = sqrt(-2 ln u1) cos(2π u2), z1 = sqrt(-2 ln u1) sin(2π u2). The logarithm and sine/cosine are computed
/// with <see cref="DeterministicMath"/> (no libm), the square root is IEEE correctly rounded, then each value is
/// rounded once to float. This is not torch's generator: the same seed gives different numbers from PyTorch.
/// Not thread-safe; use one instance per generation.
/// </remarks>
public sealed class PhiloxNoiseSource : INoiseSource
{
    private const double TwoPow32 = 4294967296.0;
    private readonly (uint K0, uint K1) _key;
    private ulong _counter;

    /// <summary>Creates a source for a seed.</summary>
    /// <param name="seed">Any 64-bit seed; it becomes the Philox key.</param>
    public PhiloxNoiseSource(ulong seed)
    {
        _key = ((uint)seed, (uint)(seed >> 32));
        Seed = seed;
    }

    /// <summary>The seed this source was created with.</summary>
    public ulong Seed { get; }

    /// <summary>Number of 128-bit blocks consumed so far (each gives four normal samples).</summary>
    public ulong BlocksConsumed => _counter;

    /// <inheritdoc />
    public void NextGaussian(Span<float> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            var block = Philox4x32.Block(((uint)_counter, (uint)(_counter >> 32), 0u, 0u), _key);
            _counter++;
            var (z0, z1) = BoxMuller(block.X0, block.X1);
            var (z2, z3) = BoxMuller(block.X2, block.X3);
            Put(destination, i++, z0);
            Put(destination, i++, z1);
            Put(destination, i++, z2);
            Put(destination, i++, z3);
        }
    }

    internal static (float Z0, float Z1) BoxMuller(uint a, uint b)
    {
        double u1 = (a + 1.0) / TwoPow32;
        double u2 = b / TwoPow32;
        double radius = Math.Sqrt(-2.0 * DeterministicMath.Log(u1));
        var (sin, cos) = DeterministicMath.SinCosTwoPi(u2);
        return ((float)(radius * cos), (float)(radius * sin));
    }

    private static void Put(Span<float> destination, int index, float value)
    {
        if (index < destination.Length)
        {
            destination[index] = value;
        }
    }
}
