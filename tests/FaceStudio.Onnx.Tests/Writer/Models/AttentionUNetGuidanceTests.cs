using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Writer.Models;

/// <summary><see cref="AttentionUNetModel"/> with several heads against Core's <c>MaskedCrossAttention</c> and through the guidance path.</summary>
public sealed class AttentionUNetGuidanceTests
{
    private const int HeadDim = 3;

    private static readonly UNetSpec Spec = new() { LatentChannels = 4, ContextDim = 6, ContextTokens = null, Heads = 2, AttentionDim = 2 * HeadDim, IdentityTokens = 3 };

    private static readonly DenoiserCapabilities Capabilities = new() { LatentChannels = 4, ContextDim = 6, SupportsIdentityRegions = true, IdentityTokensPerIdentity = 3 };

    /// <summary>The graph's formula in C#: linear maps written as loops around Core's reference attention.</summary>
    private static float[] ReferenceForward(AttentionUNetWeights w, float[] sample, long[] timestep, float[] ehs, int tokens, float[] idTokens, float[] masks, float[] scales, int batch, int identities, int h, int width)
    {
        int c = Spec.LatentChannels, d = Spec.ContextDim, a = Spec.AttentionDim, k = Spec.IdentityTokens!.Value, plane = h * width;
        var output = new float[sample.Length];
        for (int b = 0; b < batch; b++)
        {
            // hx = Wc·x + bc at each position, as rows [P, C].
            float[] hx = new float[plane * c];
            for (int ch = 0; ch < c; ch++)
            {
                for (int p = 0; p < plane; p++)
                {
                    double s = w.ConvBias[ch];
                    for (int j = 0; j < c; j++)
                    {
                        s += (double)w.Conv[(ch * c) + j] * sample[(((b * c) + j) * plane) + p];
                    }

                    hx[(p * c) + ch] = (float)s;
                }
            }

            float[] q = RowTimes(hx, plane, c, w.Query, a);
            float[] kt = RowTimes(ehs.AsSpan(b * tokens * d, tokens * d).ToArray(), tokens, d, w.Key, a);
            float[] vt = RowTimes(ehs.AsSpan(b * tokens * d, tokens * d).ToArray(), tokens, d, w.Value, a);
            float[] id = idTokens.AsSpan(b * identities * k * d, identities * k * d).ToArray();
            float[] ki = RowTimes(id, identities * k, d, w.IdentityKey, a);
            float[] vi = RowTimes(id, identities * k, d, w.IdentityValue, a);
            var attended = new float[plane * a];
            MaskedCrossAttention.Compute(new CrossAttentionShape(plane, tokens, identities, k, Spec.Heads, HeadDim), q, kt, vt, ki, vi,
                masks.AsSpan(b * identities * plane, identities * plane), scales.AsSpan(b * identities, identities), attended);
            float[] y = RowTimes(attended, plane, a, w.Output, c);
            for (int ch = 0; ch < c; ch++)
            {
                for (int p = 0; p < plane; p++)
                {
                    int i = (((b * c) + ch) * plane) + p;
                    output[i] = y[(p * c) + ch] + ((1f + (timestep[b] * 1e-4f)) * hx[(p * c) + ch]);
                }
            }
        }

        return output;
    }

    private static float[] RowTimes(float[] x, int rows, int inputs, float[] m, int outputs)
    {
        var y = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double s = 0;
                for (int i = 0; i < inputs; i++)
                {
                    s += (double)x[(r * inputs) + i] * m[(i * outputs) + o];
                }

                y[(r * outputs) + o] = (float)s;
            }
        }

        return y;
    }

    [Fact]
    public void OnnxRuntime_output_matches_the_csharp_reference()
    {
        const int B = 2, N = 2, T = 5, H = 3, W = 4;
        AttentionUNetWeights w = AttentionUNetWeights.Random(Spec, 7);
        float[] sample = Reference.Random(B * 4 * H * W, 1);
        long[] t = [981, 21];
        float[] ehs = Reference.Random(B * T * 6, 2);
        float[] tokens = Reference.Random(B * N * 3 * 6, 3);
        float[] masks = Reference.Random(B * N * H * W, 4).Select(v => Math.Abs(v) < 0.3f ? 0f : Math.Abs(v)).ToArray();
        float[] scales = [1f, 0.5f, 0.8f, 1.2f];

        Dictionary<string, float[]> outputs = OrtRunner.Run(AttentionUNetModel.Build(Spec, w).ToBytes(),
            ("sample", sample, [B, 4, H, W]), ("timestep", t, [B]), ("encoder_hidden_states", ehs, [B, T, 6]),
            ("identity_tokens", tokens, [B, N, 3, 6]), ("identity_masks", masks, [B, N, H, W]), ("identity_scales", scales, [B, N]));

        Reference.AssertClose(ReferenceForward(w, sample, t, ehs, T, tokens, masks, scales, B, N, H, W), outputs["out_sample"], 1e-5f);
    }

    [Fact]
    public async Task Through_OnnxRuntime_region_outputs_ignore_other_identities_bit_for_bit()
    {
        const int F = 8, E = 5, T = 7, Size = 64, Latent = 8;
        byte[] model = AttentionUNetModel.Build(Spec, AttentionUNetWeights.Random(Spec, 9)).ToBytes();
        using var denoiser = new OrtIdentityDenoiser(model, Capabilities);
        var projector = new LinearGuidanceProjector(Reference.Random(3 * 6 * (E + F), 11), Reference.Random(3 * 6, 12), F, E, 3, 6);
        RegionMaskSet regions = RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 32, 64)), IdentityRegion.FromBox(RegionBox.FromSize(32, 0, 32, 64))], 2, Size, Size);
        float[] latent = Reference.Random(4 * Latent * Latent, 13);

        async Task<float[]> Predict(float[] first, float[] second)
        {
            var request = new GuidanceRequest(new FloatTensor(Reference.Random(T * 6, 1), T, 6), new FloatTensor(Reference.Random(T * 6, 2), T, 6), [IdentityGuidance.Single(first), IdentityGuidance.Single(second, 0.8f)])
            {
                StyleEmbedding = Reference.Random(E, 4),
                PromptImageEmbedding = Reference.Random(E, 5),
            };
            GuidancePlan plan = await new GuidanceComposer(projector).PlanAsync(request, new GuidanceOptions { Alpha = 0.5f, GuidanceScale = 5f }, regions, denoiser.Capabilities, Latent, Latent);
            Assert.Equal(RegionMode.Native, plan.Mode);
            using var guided = GuidedDenoiser.Create(denoiser, plan, 4);
            var eps = new float[latent.Length];
            guided.Predict(latent, 500f, eps, CancellationToken.None);
            return eps;
        }

        float[] a = Reference.Random(F, 20), b = Reference.Random(F, 21), b2 = Reference.Random(F, 22);
        float[] baseline = await Predict(a, b);
        float[] changed = await Predict(a, b2);

        int rightMoved = 0;
        for (int i = 0; i < baseline.Length; i++)
        {
            if (i % Latent < Latent / 2)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(baseline[i]), BitConverter.SingleToInt32Bits(changed[i]));
            }
            else
            {
                rightMoved += baseline[i] != changed[i] ? 1 : 0;
            }
        }

        Assert.Equal(baseline.Length / 2, rightMoved);
    }

    /// <summary>A minimal IDenoiser over an ORT session with the identity contract (test adapter, not the production backend).</summary>
    private sealed class OrtIdentityDenoiser(byte[] model, DenoiserCapabilities capabilities) : IDenoiser, IDisposable
    {
        private readonly InferenceSession _session = new(model);

        public DenoiserCapabilities Capabilities { get; } = capabilities;

        public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new Session(_session, conditioning, latentShape);

        public void Dispose() => _session.Dispose();

        private sealed class Session(InferenceSession session, DenoiserConditioning c, LatentShape shape) : IDenoiserSession
        {
            public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
            {
                IdentityConditioning id = c.Identity!;
                static long[] Dims(FloatTensor t) => t.ShapeArray().Select(v => (long)v).ToArray();
                Dictionary<string, float[]> outputs = OrtRunner.Run(session,
                    ("sample", sample.ToArray(), shape.ToArray().Select(v => (long)v).ToArray()),
                    ("timestep", Enumerable.Repeat((long)timestep, shape.Batch).ToArray(), [shape.Batch]),
                    ("encoder_hidden_states", c.EncoderHiddenStates.Buffer, Dims(c.EncoderHiddenStates)),
                    ("identity_tokens", id.Tokens.Buffer, Dims(id.Tokens)),
                    ("identity_masks", id.Masks.Buffer, Dims(id.Masks)),
                    ("identity_scales", id.Scales.Buffer, Dims(id.Scales)));
                outputs["out_sample"].CopyTo(prediction);
            }

            public void Dispose()
            {
            }
        }
    }
}
