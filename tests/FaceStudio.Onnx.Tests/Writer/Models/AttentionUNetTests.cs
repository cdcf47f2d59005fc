using FaceStudio.Core.Denoising;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Denoising;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Writer.Models;

public sealed class AttentionUNetTests
{
    private const int D = 6, T = 5, H = 3, W = 4, N = 2, K = 3;

    [Theory]
    [InlineData(TensorPrecision.Float32, 1, 1e-4f)]
    [InlineData(TensorPrecision.Float16, 1, 2e-2f)]
    [InlineData(TensorPrecision.Float32, 2, 1e-4f)]
    public void MaskedCrossAttentionMatchesFormulaThroughTheDenoiser(TensorPrecision precision, int heads, float tolerance)
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, IdentityTokens = K, AttentionDim = 4, Heads = heads, Precision = precision };
        AttentionUNetWeights w = AttentionUNetWeights.Random(spec, 12);
        using var denoiser = new OnnxDenoiser(new InferenceSession(AttentionUNetModel.Build(spec, w).ToBytes()), ownsSession: true);
        Assert.True(denoiser.Capabilities.SupportsIdentityRegions);
        var shape = new LatentShape(2, 4, H, W);
        float[] x = Reference.Random(shape.Length, 1), ehs = Reference.Random(2 * T * D, 2, 2f);
        float[] tokens = Reference.Random(2 * N * K * D, 3, 2f), masks = Reference.Random(2 * N * H * W, 4), scales = [1f, 0.7f, 0.3f, 1.5f];
        var conditioning = new DenoiserConditioning(new FloatTensor(ehs, 2, T, D),
            new IdentityConditioning(new FloatTensor(tokens, 2, N, K, D), new FloatTensor(masks, 2, N, H, W), new FloatTensor(scales, 2, N)));
        using IDenoiserSession session = denoiser.CreateSession(conditioning, shape);
        var prediction = new float[shape.Length];
        session.Predict(x, 640, prediction, CancellationToken.None);
        Reference.AssertClose(Reference.AttentionUNet(spec, w, x, [640, 640], ehs, T, 2, H, W, tokens, masks, scales, N), prediction, tolerance);
    }

    [Fact]
    public void RegionOutputsDoNotMoveWhenAnotherIdentityChanges()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, IdentityTokens = K, AttentionDim = 4 };
        AttentionUNetWeights w = AttentionUNetWeights.Random(spec, 3);
        using var denoiser = new OnnxDenoiser(new InferenceSession(AttentionUNetModel.Build(spec, w).ToBytes()), ownsSession: true);
        var shape = new LatentShape(1, 4, H, W);
        float[] x = Reference.Random(shape.Length, 5), ehs = Reference.Random(T * D, 6);
        float[] tokens = Reference.Random(N * K * D, 7, 2f);

        // Identity 0 owns the left half (x < 2), identity 1 the right half.
        var masks = new float[N * H * W];
        for (int y = 0; y < H; y++)
        {
            for (int col = 0; col < W; col++)
            {
                masks[((col < 2 ? 0 : 1) * H * W) + (y * W) + col] = 1f;
            }
        }

        float[] Run(float[] tok)
        {
            var conditioning = new DenoiserConditioning(new FloatTensor(ehs, 1, T, D),
                new IdentityConditioning(new FloatTensor(tok, 1, N, K, D), new FloatTensor(masks, 1, N, H, W), new FloatTensor([1f, 1f], 1, N)));
            using IDenoiserSession session = denoiser.CreateSession(conditioning, shape);
            var prediction = new float[shape.Length];
            session.Predict(x, 500, prediction, CancellationToken.None);
            return prediction;
        }

        float[] before = Run(tokens);
        float[] changed = (float[])tokens.Clone();
        for (int i = K * D; i < 2 * K * D; i++)
        {
            changed[i] = -changed[i] + 0.5f; // identity 1 only
        }

        float[] after = Run(changed);
        int moved = 0;
        for (int ch = 0; ch < 4; ch++)
        {
            for (int y = 0; y < H; y++)
            {
                for (int col = 0; col < W; col++)
                {
                    int i = (((ch * H) + y) * W) + col;
                    if (col < 2)
                    {
                        Assert.Equal(before[i], after[i]);
                    }
                    else if (before[i] != after[i])
                    {
                        moved++;
                    }
                }
            }
        }

        Assert.True(moved > 0, "identity 1's region should change");
    }
}
