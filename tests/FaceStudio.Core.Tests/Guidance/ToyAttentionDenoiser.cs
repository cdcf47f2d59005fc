using System.Numerics.Tensors;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Guidance;

/// <summary>
/// The smallest denoiser with the identity-aware contract: position-wise linear maps around one masked
/// cross-attention (<see cref="MaskedCrossAttention"/>). Native: identity tokens routed by masks; stock: one
/// attention over all context tokens (text and any appended identity tokens), no identity inputs.
/// </summary>
internal sealed class ToyAttentionDenoiser : IDenoiser
{
    public const int Channels = 4;
    public const int Heads = 2;
    public const int HeadDim = 3;
    private const int Width = Heads * HeadDim;

    private readonly int _contextDim;
    private readonly float[] _wq;
    private readonly float[] _wk;
    private readonly float[] _wv;
    private readonly float[] _wkIdentity;
    private readonly float[] _wvIdentity;
    private readonly float[] _wo;

    public ToyAttentionDenoiser(bool native, int contextDim, int tokensPerIdentity, int seed = 5)
    {
        _contextDim = contextDim;
        _wq = GuidanceTestKit.Random(seed, Width * Channels);
        _wk = GuidanceTestKit.Random(seed + 1, Width * contextDim);
        _wv = GuidanceTestKit.Random(seed + 2, Width * contextDim);
        _wkIdentity = GuidanceTestKit.Random(seed + 3, Width * contextDim);
        _wvIdentity = GuidanceTestKit.Random(seed + 4, Width * contextDim);
        _wo = GuidanceTestKit.Random(seed + 5, Channels * Width);
        Capabilities = new DenoiserCapabilities
        {
            LatentChannels = Channels,
            ContextDim = contextDim,
            SupportsIdentityRegions = native,
            IdentityTokensPerIdentity = native ? tokensPerIdentity : null,
        };
    }

    public DenoiserCapabilities Capabilities { get; }

    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new Session(this, conditioning, latentShape);

    // rows [R, in] → [R, out] with W [out, in].
    private static float[] Linear(ReadOnlySpan<float> x, int rows, int inputs, float[] w, int outputs)
    {
        var y = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                y[(r * outputs) + o] = TensorPrimitives.Dot(x.Slice(r * inputs, inputs), w.AsSpan(o * inputs, inputs));
            }
        }

        return y;
    }

    private sealed class Session(ToyAttentionDenoiser toy, DenoiserConditioning conditioning, LatentShape shape) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            int plane = shape.Height * shape.Width;
            int d = toy._contextDim;
            int tokens = conditioning.EncoderHiddenStates.Dim(1);
            IdentityConditioning? identity = toy.Capabilities.SupportsIdentityRegions ? conditioning.Identity : null;
            int n = identity?.Tokens.Dim(1) ?? 0;
            int k = identity?.Tokens.Dim(2) ?? 0;
            for (int b = 0; b < shape.Batch; b++)
            {
                // Channels-first latent to position rows [P, C].
                var x = new float[plane * Channels];
                for (int c = 0; c < Channels; c++)
                {
                    for (int p = 0; p < plane; p++)
                    {
                        x[(p * Channels) + c] = sample[(b * Channels * plane) + (c * plane) + p];
                    }
                }

                float[] q = Linear(x, plane, Channels, toy._wq, Width);
                ReadOnlySpan<float> context = conditioning.EncoderHiddenStates.Buffer.AsSpan(b * tokens * d, tokens * d);
                float[] kText = Linear(context, tokens, d, toy._wk, Width);
                float[] vText = Linear(context, tokens, d, toy._wv, Width);
                float[] kId = [];
                float[] vId = [];
                ReadOnlySpan<float> masks = default;
                ReadOnlySpan<float> scales = default;
                if (identity is not null)
                {
                    ReadOnlySpan<float> idTokens = identity.Tokens.Buffer.AsSpan(b * n * k * d, n * k * d);
                    kId = Linear(idTokens, n * k, d, toy._wkIdentity, Width);
                    vId = Linear(idTokens, n * k, d, toy._wvIdentity, Width);
                    masks = identity.Masks.Buffer.AsSpan(b * n * plane, n * plane);
                    scales = identity.Scales.Buffer.AsSpan(b * n, n);
                }

                var attended = new float[plane * Width];
                MaskedCrossAttention.Compute(new CrossAttentionShape(plane, tokens, n, k, Heads, HeadDim), q, kText, vText, kId, vId, masks, scales, attended);
                float[] y = Linear(attended, plane, Width, toy._wo, Channels);
                for (int c = 0; c < Channels; c++)
                {
                    for (int p = 0; p < plane; p++)
                    {
                        int i = (b * Channels * plane) + (c * plane) + p;
                        prediction[i] = y[(p * Channels) + c] + (0.5f * sample[i]) + (timestep * 1e-3f);
                    }
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
