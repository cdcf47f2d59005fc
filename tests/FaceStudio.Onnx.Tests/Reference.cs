using FaceStudio.Onnx.Demo.Writer.Models;

namespace FaceStudio.Onnx.Tests;

/// <summary>Plain-loop C# computations of the demo models' functions, written from their documented formulas.</summary>
internal static class Reference
{
    public static (float[] Last, float[] Pooled) TextEncoder(TextEncoderSpec spec, TextEncoderWeights w, long[] ids, int batch)
    {
        int t = spec.MaxTokens, d = spec.HiddenSize;
        var last = new float[batch * t * d];
        var pooled = new float[batch * d];
        var h = new double[d];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < t; i++)
            {
                long row = ids[(b * t) + i] % spec.VocabSize;
                for (int j = 0; j < d; j++)
                {
                    h[j] = w.TokenEmbedding[(row * d) + j] + w.PositionEmbedding[(i * d) + j];
                }

                for (int o = 0; o < d; o++)
                {
                    double s = 0;
                    for (int j = 0; j < d; j++)
                    {
                        s += h[j] * w.Projection[(j * d) + o];
                    }

                    float v = (float)Math.Tanh(s);
                    last[(((b * t) + i) * d) + o] = v;
                    pooled[(b * d) + o] += v / t;
                }
            }
        }

        return (last, pooled);
    }

    /// <summary>The UNet formula; timesteps has B entries (a scalar timestep is repeated by the caller).</summary>
    public static float[] UNet(UNetSpec spec, UNetWeights w, float[] x, float[] timesteps, float[] ehs, int tokens, int batch, int height, int width,
        float[]? idTokens = null, float[]? idMasks = null, float[]? idScales = null, int identities = 0)
    {
        int c = spec.LatentChannels, d = spec.ContextDim, hw = height * width;
        int k = spec.IdentityTokens ?? 0;
        var output = new float[batch * c * hw];
        for (int b = 0; b < batch; b++)
        {
            var meanCtx = new double[d];
            for (int i = 0; i < tokens; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    meanCtx[j] += ehs[(((b * tokens) + i) * d) + j] / tokens;
                }
            }

            var identityProj = new double[identities, c];
            for (int n = 0; n < identities; n++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    double s = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double mean = 0;
                        for (int q = 0; q < k; q++)
                        {
                            mean += idTokens![(((((b * identities) + n) * k) + q) * d) + j];
                        }

                        s += mean / k * w.IdentityProjection[(j * c) + ch];
                    }

                    identityProj[n, ch] = s * idScales![(b * identities) + n];
                }
            }

            double timeScale = 1 + (0.1 * timesteps[b] / 1000);
            for (int ch = 0; ch < c; ch++)
            {
                double ctx = 0;
                for (int j = 0; j < d; j++)
                {
                    ctx += meanCtx[j] * w.ContextProjection[(j * c) + ch];
                }

                for (int p = 0; p < hw; p++)
                {
                    double conv = w.ConvBias[ch];
                    for (int q = 0; q < c; q++)
                    {
                        conv += w.Conv[(ch * c) + q] * x[(((b * c) + q) * hw) + p];
                    }

                    double v = (timeScale * conv) + ctx;
                    for (int n = 0; n < identities; n++)
                    {
                        v += identityProj[n, ch] * idMasks![(((b * identities) + n) * hw) + p];
                    }

                    output[(((b * c) + ch) * hw) + p] = (float)v;
                }
            }
        }

        return output;
    }

    /// <summary>The cross-attention UNet formula, position by position and head by head.</summary>
    public static float[] AttentionUNet(UNetSpec spec, AttentionUNetWeights w, float[] x, float[] timesteps, float[] ehs, int tokens, int batch, int height, int width,
        float[]? idTokens = null, float[]? idMasks = null, float[]? idScales = null, int identities = 0)
    {
        int c = spec.LatentChannels, d = spec.ContextDim, a = spec.AttentionDim, heads = spec.Heads, hw = height * width;
        int k = spec.IdentityTokens ?? 0;
        var output = new float[batch * c * hw];
        for (int b = 0; b < batch; b++)
        {
            double timeScale = 1 + (0.1 * timesteps[b] / 1000);
            for (int p = 0; p < hw; p++)
            {
                var h = new double[c];
                for (int ch = 0; ch < c; ch++)
                {
                    h[ch] = w.ConvBias[ch];
                    for (int q = 0; q < c; q++)
                    {
                        h[ch] += w.Conv[(ch * c) + q] * x[(((b * c) + q) * hw) + p];
                    }
                }

                var query = new double[a];
                for (int j = 0; j < a; j++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        query[j] += h[ch] * w.Query[(ch * a) + j];
                    }
                }

                double[] attended = Attend(query, heads, ehs, (b * tokens) * d, tokens, d, w.Key, w.Value);
                for (int n = 0; n < identities; n++)
                {
                    double weight = idMasks![(((b * identities) + n) * hw) + p] * idScales![(b * identities) + n];
                    double[] id = Attend(query, heads, idTokens!, ((b * identities) + n) * k * d, k, d, w.IdentityKey, w.IdentityValue);
                    for (int j = 0; j < a; j++)
                    {
                        attended[j] += weight * id[j];
                    }
                }

                for (int ch = 0; ch < c; ch++)
                {
                    double result = timeScale * h[ch];
                    for (int j = 0; j < a; j++)
                    {
                        result += attended[j] * w.Output[(j * c) + ch];
                    }

                    output[(((b * c) + ch) * hw) + p] = (float)result;
                }
            }
        }

        return output;
    }

    // Per head (columns [h·hd, (h+1)·hd) of the A-wide rows): softmax_j(q·(ctx_j·Wk)/√hd) · (ctx_j·Wv) over the rows
    // ctx_0..ctx_{count-1} starting at offset; the heads' results side by side, A wide.
    private static double[] Attend(double[] query, int heads, float[] context, int offset, int count, int d, float[] wk, float[] wv)
    {
        int a = query.Length, hd = a / heads;
        var keys = new double[count, a];
        var values = new double[count, a];
        for (int j = 0; j < count; j++)
        {
            for (int e = 0; e < a; e++)
            {
                for (int i = 0; i < d; i++)
                {
                    keys[j, e] += context[offset + (j * d) + i] * wk[(i * a) + e];
                    values[j, e] += context[offset + (j * d) + i] * wv[(i * a) + e];
                }
            }
        }

        var result = new double[a];
        var scores = new double[count];
        for (int head = 0; head < heads; head++)
        {
            for (int j = 0; j < count; j++)
            {
                scores[j] = 0;
                for (int e = head * hd; e < (head + 1) * hd; e++)
                {
                    scores[j] += query[e] * keys[j, e];
                }

                scores[j] /= Math.Sqrt(hd);
            }

            double max = scores.Max(), sum = 0;
            for (int j = 0; j < count; j++)
            {
                scores[j] = Math.Exp(scores[j] - max);
                sum += scores[j];
            }

            for (int j = 0; j < count; j++)
            {
                for (int e = head * hd; e < (head + 1) * hd; e++)
                {
                    result[e] += scores[j] / sum * values[j, e];
                }
            }
        }

        return result;
    }

    public static float[] VaeDecode(VaeSpec spec, VaeWeights w, float[] z, int batch, int h, int wd)
    {
        int c = spec.LatentChannels, f = spec.DownscaleFactor;
        int bigH = h * f, bigW = wd * f;
        var image = new float[batch * 3 * bigH * bigW];
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < 3; o++)
            {
                for (int y = 0; y < bigH; y++)
                {
                    for (int x = 0; x < bigW; x++)
                    {
                        double s = w.DecoderBias[o];
                        for (int q = 0; q < c; q++)
                        {
                            s += w.Decoder[(o * c) + q] * z[(((((b * c) + q) * h) + (y / f)) * wd) + (x / f)];
                        }

                        image[(((((b * 3) + o) * bigH) + y) * bigW) + x] = (float)Math.Tanh(s);
                    }
                }
            }
        }

        return image;
    }

    public static float[] VaeEncode(VaeSpec spec, VaeWeights w, float[] image, int batch, int bigH, int bigW)
    {
        int f = spec.DownscaleFactor, h = bigH / f, wd = bigW / f;
        int outC = w.EncoderBias.Length;
        var latent = new float[batch * outC * h * wd];
        for (int b = 0; b < batch; b++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < wd; x++)
                {
                    var mean = new double[3];
                    for (int ch = 0; ch < 3; ch++)
                    {
                        for (int dy = 0; dy < f; dy++)
                        {
                            for (int dx = 0; dx < f; dx++)
                            {
                                mean[ch] += image[(((((b * 3) + ch) * bigH) + (y * f) + dy) * bigW) + (x * f) + dx];
                            }
                        }

                        mean[ch] /= f * f;
                    }

                    for (int o = 0; o < outC; o++)
                    {
                        double s = w.EncoderBias[o];
                        for (int ch = 0; ch < 3; ch++)
                        {
                            s += w.Encoder[(o * 3) + ch] * mean[ch];
                        }

                        latent[(((((b * outC) + o) * h) + y) * wd) + x] = (float)s;
                    }
                }
            }
        }

        return latent;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float bound = tolerance * Math.Max(1f, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= bound))
            {
                Assert.Fail($"Element {i}: expected {expected[i]}, got {actual[i]} (tolerance {bound}).");
            }
        }
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var r = new System.Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((r.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }
}
