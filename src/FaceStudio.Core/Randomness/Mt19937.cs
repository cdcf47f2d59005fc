namespace FaceStudio.Core.Randomness;

/// <summary>
/// The 32-bit Mersenne Twister (MT19937) seeded as PyTorch's CPU generator seeds it (<c>at::mt19937</c>): the low 32
/// bits of the seed, then the reference initialisation <c>s[i] = 1812433253·(s[i−1] ⊕ (s[i−1] ≫ 30)) + i</c>.
/// Its output equals <c>std::mt19937</c>'s for the same 32-bit seed.
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] _state = new uint[N];
    private int _index;

    public Mt19937(ulong seed)
    {
        _state[0] = (uint)seed;
        for (int j = 1; j < N; j++)
        {
            uint previous = _state[j - 1];
            _state[j] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)j);
        }

        _index = N;
    }

    /// <summary>The next 32-bit word (<c>CPUGeneratorImpl::random()</c>).</summary>
    public uint Next()
    {
        if (_index >= N)
        {
            Twist();
        }

        uint y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two words as one 64-bit value, the first in the high half (<c>CPUGeneratorImpl::random64()</c>).</summary>
    public ulong Next64()
    {
        ulong hi = Next();
        ulong lo = Next();
        return (hi << 32) | lo;
    }

    private void Twist()
    {
        // The reference recurrence state[i] = state[i + M] ^ twist(state[i], state[i + 1]) (indices mod N), split
        // into its three index ranges so no iteration divides, with the conditional xor of MatrixA as a mask:
        // the same words as the textbook loop (Next's pins and torch's recorded values check it).
        uint[] s = _state;
        int i = 0;
        for (; i < N - M; i++)
        {
            uint y = (s[i] & UpperMask) | (s[i + 1] & LowerMask);
            s[i] = s[i + M] ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
        }

        for (; i < N - 1; i++)
        {
            uint y = (s[i] & UpperMask) | (s[i + 1] & LowerMask);
            s[i] = s[i + M - N] ^ (y >> 1) ^ ((0u - (y & 1u)) & MatrixA);
        }

        uint last = (s[N - 1] & UpperMask) | (s[0] & LowerMask);
        s[N - 1] = s[M - 1] ^ (last >> 1) ^ ((0u - (last & 1u)) & MatrixA);
        _index = 0;
    }
}
