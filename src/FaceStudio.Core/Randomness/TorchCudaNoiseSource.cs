namespace FaceStudio.Core.Randomness;

/// <summary>
/// Reproduces <c>torch.randn</c> on a CUDA device after <c>torch.manual_seed(seed)</c> (AUTOMATIC1111's "NV" noise
/// source), on any machine: each <see cref="NextGaussian(Span{float})"/> call is one <c>torch.randn(shape,
/// device="cuda")</c> of that many elements, successive calls continuing the stream.
/// </summary>
/// <remarks>
/// <para>ATen's CUDA <c>normal_</c> (aten/src/ATen/native/cuda/DistributionTemplates.h,
/// <c>distribution_elementwise_grid_stride_kernel</c>) runs one thread per element up to the grid's size
/// <c>S = 256 · min(⌈n/256⌉, SMs · maxThreadsPerSM/256)</c>. Thread <c>t</c> calls <c>curand_init(seed, t, offset)</c>:
/// Philox4x32-10 with key = the seed's low and high words and counter = (offset/4 as 64 bits, t as 64 bits);
/// every <c>curand_normal4</c> call encrypts the counter and then increments its low 64 bits. Of the four words
/// (x, y, z, w) it returns <c>(s·sin v, s·cos v)</c> of (x, y) and of (z, w), with
/// <c>u = x·2⁻³² + 2⁻³³</c>, <c>v = y·2π·2⁻³² + π·2⁻³²</c>, <c>s = √(−2 ln u)</c> (float). Element
/// <c>t + S·k</c> takes value <c>k mod 4</c> of the thread's call <c>k div 4</c>. After the call the generator's offset grows by
/// <c>4·(⌊(n − 1)/(4S)⌋ + 1)</c>.</para>
/// <para>Without a device geometry the grid is taken as large as the tensor (S ≥ n): every element is the sine value
/// of its own thread's first call and every call advances the counter by one: AUTOMATIC1111's
/// <c>modules/rng_philox.py</c>, which equals torch whenever the tensor has no more elements than the GPU has resident
/// threads (for example 4·128·128 = 65,536 latent values on any GPU with ≥ 32 SMs of 2,048 threads). Pass
/// <see cref="CudaDeviceGeometry"/> for larger tensors on a specific GPU.</para>
/// <para>Float operations are done in double and rounded to float where curand rounds; curand's <c>logf</c>/<c>sinf</c> are
/// within 1–2 ulp of the correctly rounded value, so agreement is to about 1e-6, not bit for bit.</para>
/// <para>Not thread-safe; use one instance per generation.</para>
/// </remarks>
public sealed class TorchCudaNoiseSource : INoiseSource
{
    private const float TwoPowMinus32Float = 2.3283064e-10f; // CURAND_2POW32_INV
    private const float TwoPowMinus32TwoPiFloat = 2.3283064e-10f * 6.2831855f; // CURAND_2POW32_INV_2PI

    private readonly (uint K0, uint K1) _key;
    private readonly CudaDeviceGeometry? _geometry;
    private ulong _offset; // torch's philox offset (a multiple of 4)

    /// <summary>Creates the source for <c>torch.manual_seed(seed)</c> on CUDA.</summary>
    /// <param name="seed">The seed (all 64 bits are the Philox key).</param>
    /// <param name="geometry">The GPU whose grid layout to reproduce; <see langword="null"/>: a grid as large as each tensor (AUTOMATIC1111's layout).</param>
    public TorchCudaNoiseSource(long seed, CudaDeviceGeometry? geometry = null)
    {
        Seed = seed;
        ulong s = unchecked((ulong)seed);
        _key = ((uint)s, (uint)(s >> 32));
        _geometry = geometry;
    }

    /// <summary>The seed this source was created with.</summary>
    public long Seed { get; }

    /// <summary>torch's Philox offset after the calls so far (0 after seeding; grows by a multiple of 4 per call).</summary>
    public ulong Offset => _offset;

    /// <inheritdoc />
    public void NextGaussian(Span<float> destination)
    {
        int n = destination.Length;
        if (n == 0)
        {
            return;
        }

        long stride = Stride(n);
        long rounds = ((n - 1) / (stride * 4)) + 1;
        ulong baseCounter = _offset / 4;
        for (long t = 0; t < Math.Min(stride, n); t++)
        {
            for (long round = 0; round < rounds; round++)
            {
                long first = t + (round * stride * 4);
                if (first >= n)
                {
                    break;
                }

                ulong counter = baseCounter + (ulong)round;
                var words = Philox4x32.Block(((uint)counter, (uint)(counter >> 32), (uint)t, (uint)((ulong)t >> 32)), _key);
                var (s0, c0) = BoxMuller(words.X0, words.X1);
                var (s1, c1) = BoxMuller(words.X2, words.X3);
                Span<float> four = [s0, c0, s1, c1];
                for (int k = 0; k < 4; k++)
                {
                    long index = first + (k * stride);
                    if (index < n)
                    {
                        destination[(int)index] = four[k];
                    }
                }
            }
        }

        _offset += (ulong)rounds * 4;
    }

    private long Stride(int n)
    {
        long blocks = (n + 255L) / 256;
        if (_geometry is { } g)
        {
            blocks = Math.Min(blocks, (long)g.MultiProcessorCount * (g.MaxThreadsPerMultiProcessor / 256));
        }

        return blocks * 256;
    }

    /// <summary>curand's <c>_curand_box_muller</c>: (s·sin v, s·cos v); the words are converted to float and
    /// <c>x·a + b</c> is one fused multiply-add, as nvcc compiles it by default.</summary>
    private static (float Sin, float Cos) BoxMuller(uint x, uint y)
    {
        float u = MathF.FusedMultiplyAdd(x, TwoPowMinus32Float, TwoPowMinus32Float / 2.0f);
        float v = MathF.FusedMultiplyAdd(y, TwoPowMinus32TwoPiFloat, TwoPowMinus32TwoPiFloat / 2.0f);
        float s = (float)Math.Sqrt(-2.0f * (float)Math.Log(u));
        return (s * (float)Math.Sin(v), s * (float)Math.Cos(v));
    }
}

/// <summary>The two properties of a CUDA device that decide <c>torch.randn</c>'s grid (cudaDeviceProp).</summary>
/// <param name="MultiProcessorCount">Streaming multiprocessors (e.g. 132 on an H100 SXM, 128 on an RTX 4090).</param>
/// <param name="MaxThreadsPerMultiProcessor">Resident threads per multiprocessor (2,048 on A100/H100, 1,536 on RTX 30/40).</param>
public sealed record CudaDeviceGeometry(int MultiProcessorCount, int MaxThreadsPerMultiProcessor);
