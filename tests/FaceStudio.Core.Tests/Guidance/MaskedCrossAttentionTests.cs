using FaceStudio.Core.Guidance;
using FaceStudio.TestSupport;
using static FaceStudio.Core.Tests.Guidance.GuidanceTestKit;

namespace FaceStudio.Core.Tests.Guidance;

public class MaskedCrossAttentionTests
{
    // Plain softmax attention for one query row and one head, in double precision, written from the definition.
    private static double[] NaiveAttention(float[] q, float[] keys, float[] values, int tokens, int width, int head, int d)
    {
        var logits = new double[tokens];
        for (int j = 0; j < tokens; j++)
        {
            double dot = 0;
            for (int i = 0; i < d; i++)
            {
                dot += (double)q[(head * d) + i] * keys[(j * width) + (head * d) + i];
            }

            logits[j] = dot / Math.Sqrt(d);
        }

        double max = logits.Max();
        double[] p = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = p.Sum();
        var result = new double[d];
        for (int j = 0; j < tokens; j++)
        {
            for (int i = 0; i < d; i++)
            {
                result[i] += p[j] / sum * values[(j * width) + (head * d) + i];
            }
        }

        return result;
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 3)]
    public void Matches_the_decoupled_formula_with_masks_and_scales(int heads, int headDim)
    {
        const int P = 5, T = 6, N = 2, K = 3;
        int width = heads * headDim;
        var shape = new CrossAttentionShape(P, T, N, K, heads, headDim);
        float[] q = Random(1, P * width, 2f);
        float[] kt = Random(2, T * width, 2f);
        float[] vt = Random(3, T * width);
        float[] ki = Random(4, N * K * width, 2f);
        float[] vi = Random(5, N * K * width);
        float[] masks = [1f, 0.5f, 0f, 0f, 0.25f, /* identity 1 */ 0f, 0.5f, 1f, 0f, 0.75f];
        float[] scales = [0.8f, 1.3f];
        var output = new float[P * width];

        MaskedCrossAttention.Compute(shape, q, kt, vt, ki, vi, masks, scales, output);

        for (int p = 0; p < P; p++)
        {
            float[] qp = q.AsSpan(p * width, width).ToArray();
            for (int h = 0; h < heads; h++)
            {
                double[] expected = NaiveAttention(qp, kt, vt, T, width, h, headDim);
                for (int k = 0; k < N; k++)
                {
                    double[] a = NaiveAttention(qp, ki.AsSpan(k * K * width, K * width).ToArray(), vi.AsSpan(k * K * width, K * width).ToArray(), K, width, h, headDim);
                    for (int i = 0; i < headDim; i++)
                    {
                        expected[i] += scales[k] * masks[(k * P) + p] * a[i];
                    }
                }

                AssertClose(expected, output.AsSpan((p * width) + (h * headDim), headDim), 1e-5);
            }
        }
    }

    [Fact]
    public void Positions_outside_every_region_get_exactly_the_text_attention()
    {
        const int P = 4, T = 5, N = 2, K = 4, H = 2, Dh = 3;
        const int W = H * Dh;
        float[] q = Random(1, P * W);
        float[] kt = Random(2, T * W);
        float[] vt = Random(3, T * W);
        float[] masks = [1f, 0f, 0f, 0f, /* identity 1 */ 0f, 1f, 0f, 0f];
        var routed = new float[P * W];
        var textOnly = new float[P * W];

        MaskedCrossAttention.Compute(new(P, T, N, K, H, Dh), q, kt, vt, Random(4, N * K * W), Random(5, N * K * W), masks, [1f, 1f], routed);
        MaskedCrossAttention.Compute(new(P, T, 0, K, H, Dh), q, kt, vt, [], [], [], [], textOnly);

        Assert.Equal(textOnly.AsSpan(2 * W).ToArray(), routed.AsSpan(2 * W).ToArray());
        Assert.NotEqual(textOnly.AsSpan(0, W).ToArray(), routed.AsSpan(0, W).ToArray());
    }

    [Fact]
    public void Long_contexts_use_pooled_scratch_and_still_sum_softmax_weights_to_one()
    {
        // Equal keys give uniform weights, so the output is the mean of the values (300 tokens > the stack limit).
        const int T = 300, D = 2;
        float[] values = Random(7, T * D);
        var output = new float[D];

        MaskedCrossAttention.Compute(new(1, T, 0, 1, 1, D), [1f, -1f], new float[T * D], values, [], [], [], [], output);

        double[] mean = [Enumerable.Range(0, T).Average(j => (double)values[j * D]), Enumerable.Range(0, T).Average(j => (double)values[(j * D) + 1])];
        AssertClose(mean, output, 1e-5);
    }

    [Fact]
    public void Rejects_buffers_that_do_not_match_the_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaskedCrossAttention.Compute(new(2, 1, 1, 1, 1, 2), new float[4], new float[2], new float[2], new float[2], new float[2], new float[3], new float[1], new float[4]));
        Assert.Contains("masks must hold 2", ex.Message, StringComparison.Ordinal);
    }
}
