using System.Numerics;

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
        const int PairsPerChunk = 256;
        Span<double> u1 = stackalloc double[PairsPerChunk];
        Span<double> u2 = stackalloc double[PairsPerChunk];
        Span<double> z0 = stackalloc double[PairsPerChunk];
        Span<double> z1 = stackalloc double[PairsPerChunk];
        int written = 0;
        while (written < destination.Length)
        {
            // Whole blocks of four outputs; the unused tail of the last block is discarded.
            int blocks = Math.Min(PairsPerChunk / 2, (destination.Length - written + 3) / 4);
            for (int b = 0; b < blocks; b++)
            {
                var block = Philox4x32.Block(((uint)_counter, (uint)(_counter >> 32), 0u, 0u), _key);
                _counter++;
                u1[2 * b] = (block.X0 + 1.0) / TwoPow32;
                u2[2 * b] = block.X1 / TwoPow32;
                u1[(2 * b) + 1] = (block.X2 + 1.0) / TwoPow32;
                u2[(2 * b) + 1] = block.X3 / TwoPow32;
            }

            int pairs = 2 * blocks;
            BoxMuller(u1[..pairs], u2[..pairs], z0, z1);
            for (int p = 0; p < pairs; p++)
            {
                int i = written + (2 * p);
                if (i < destination.Length)
                {
                    destination[i] = (float)z0[p];
                }

                if (i + 1 < destination.Length)
                {
                    destination[i + 1] = (float)z1[p];
                }
            }

            written += 4 * blocks;
        }
    }

    /// <summary>z0 = √(−2 ln u1)·cos(2πu2), z1 = √(−2 ln u1)·sin(2πu2), vectorised with a bit-identical scalar tail.</summary>
    internal static void BoxMuller(ReadOnlySpan<double> u1, ReadOnlySpan<double> u2, Span<double> z0, Span<double> z1)
    {
        int width = Vector<double>.Count;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= u1.Length - width; i += width)
            {
                var radius = Vector.SquareRoot(DeterministicMath.Log(new Vector<double>(u1[i..])) * -2.0);
                var (sin, cos) = DeterministicMath.SinCosTwoPi(new Vector<double>(u2[i..]));
                (radius * cos).CopyTo(z0[i..]);
                (radius * sin).CopyTo(z1[i..]);
            }
        }

        for (; i < u1.Length; i++)
        {
            double radius = Math.Sqrt(DeterministicMath.Log(u1[i]) * -2.0);
            var (sin, cos) = DeterministicMath.SinCosTwoPi(u2[i]);
            z0[i] = radius * cos;
            z1[i] = radius * sin;
        }
    }
}
