namespace FaceStudio.Core.Randomness;

/// <summary>
/// The Philox4x32-10 counter-based generator (Salmon et al., SC'11, "Parallel random numbers: as easy as 1, 2, 3").
/// Pure integer arithmetic: identical output on every platform.
/// </summary>
public static partial class Philox4x32
{
    private const uint M0 = 0xD2511F53u;
    private const uint M1 = 0xCD9E8D57u;
    private const uint W0 = 0x9E3779B9u;
    private const uint W1 = 0xBB67AE85u;

    /// <summary>Encrypts one 128-bit counter under a 64-bit key with ten rounds.</summary>
    /// <param name="counter">The four counter words.</param>
    /// <param name="key">The two key words.</param>
    /// <returns>The four output words.</returns>
    public static (uint X0, uint X1, uint X2, uint X3) Block((uint C0, uint C1, uint C2, uint C3) counter, (uint K0, uint K1) key)
    {
        uint c0 = counter.C0, c1 = counter.C1, c2 = counter.C2, c3 = counter.C3;
        uint k0 = key.K0, k1 = key.K1;
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            uint n0 = hi1 ^ c1 ^ k0;
            uint n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }

        return (c0, c1, c2, c3);
    }
}
