using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Writer;
using FaceStudio.Onnx.Writer.Models;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Denoising;

public sealed class OnnxDenoiserTests
{
    private const int D = 6, T = 3, H = 4, W = 5;

    private static OnnxDenoiser Create(UNetSpec spec, UNetWeights w) => new(new InferenceSession(UNetModel.Build(spec, w).ToBytes()), ownsSession: true);

    private static float[] Predict(IDenoiser denoiser, DenoiserConditioning conditioning, LatentShape shape, float[] x, float t)
    {
        using IDenoiserSession session = denoiser.CreateSession(conditioning, shape);
        var prediction = new float[shape.Length];
        session.Predict(x, t, prediction, CancellationToken.None);
        return prediction;
    }

    [Theory]
    [InlineData(TimestepForm.Int64Batch, TensorPrecision.Float32)]
    [InlineData(TimestepForm.FloatBatch, TensorPrecision.Float32)]
    [InlineData(TimestepForm.FloatScalar, TensorPrecision.Float32)]
    [InlineData(TimestepForm.Int64Batch, TensorPrecision.Float16)]
    [InlineData(TimestepForm.FloatBatch, TensorPrecision.Float16)]
    [InlineData(TimestepForm.FloatScalar, TensorPrecision.Float16)]
    public void CfgBatchOfTwoMatchesFormulaForEveryContractVariant(TimestepForm form, TensorPrecision precision)
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, Timestep = form, Precision = precision };
        UNetWeights w = UNetWeights.Random(spec, 17);
        using OnnxDenoiser denoiser = Create(spec, w);
        Assert.Equal(precision, denoiser.Capabilities.Precision);
        Assert.Equal(D, denoiser.Capabilities.ContextDim);
        Assert.Equal(T, denoiser.Capabilities.MaxContextTokens);
        Assert.Null(denoiser.Capabilities.FixedBatchSize);
        Assert.False(denoiser.Capabilities.SupportsIdentityRegions);

        var shape = new LatentShape(2, 4, H, W);
        float[] ehs = Reference.Random(2 * T * D, 1);
        float[] x = Reference.Random(shape.Length, 2);
        float t = form == TimestepForm.Int64Batch ? 761f : 761.5f;
        float[] actual = Predict(denoiser, new DenoiserConditioning(new FloatTensor(ehs, 2, T, D)), shape, x, t);
        float[] expected = Reference.UNet(spec, w, x, [t, t], ehs, T, 2, H, W);
        Reference.AssertClose(expected, actual, precision == TensorPrecision.Float16 ? 1e-2f : 1e-5f);
    }

    [Fact]
    public void FixedBatchOfOneRunsTheBatchInChunks()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, BatchSize = 1 };
        UNetWeights w = UNetWeights.Random(spec, 3);
        using OnnxDenoiser denoiser = Create(spec, w);
        Assert.Equal(1, denoiser.Capabilities.FixedBatchSize);
        var shape = new LatentShape(2, 4, H, W);
        float[] ehs = Reference.Random(2 * T * D, 4), x = Reference.Random(shape.Length, 5);
        float[] actual = Predict(denoiser, new DenoiserConditioning(new FloatTensor(ehs, 2, T, D)), shape, x, 300);
        Reference.AssertClose(Reference.UNet(spec, w, x, [300, 300], ehs, T, 2, H, W), actual, 1e-5f);
    }

    [Fact]
    public void IdentityInputsAreBoundAndMissingIdentitiesAreNeutral()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, IdentityTokens = 2 };
        UNetWeights w = UNetWeights.Random(spec, 8);
        using OnnxDenoiser denoiser = Create(spec, w);
        Assert.True(denoiser.Capabilities.SupportsIdentityRegions);
        Assert.Equal(2, denoiser.Capabilities.IdentityTokensPerIdentity);

        var shape = new LatentShape(2, 4, H, W);
        float[] ehs = Reference.Random(2 * T * D, 1), x = Reference.Random(shape.Length, 2);
        float[] tokens = Reference.Random(2 * 3 * 2 * D, 3), masks = Reference.Random(2 * 3 * H * W, 4), scales = [1, 0.5f, 2, 0, 0, 0];
        var identity = new IdentityConditioning(new FloatTensor(tokens, 2, 3, 2, D), new FloatTensor(masks, 2, 3, H, W), new FloatTensor(scales, 2, 3));
        float[] actual = Predict(denoiser, new DenoiserConditioning(new FloatTensor(ehs, 2, T, D), identity), shape, x, 500);
        Reference.AssertClose(Reference.UNet(spec, w, x, [500, 500], ehs, T, 2, H, W, tokens, masks, scales, 3), actual, 1e-5f);

        // No identities: the identity term vanishes and the plain formula holds.
        float[] plain = Predict(denoiser, new DenoiserConditioning(new FloatTensor(ehs, 2, T, D)), shape, x, 500);
        Reference.AssertClose(Reference.UNet(spec with { IdentityTokens = null }, w, x, [500, 500], ehs, T, 2, H, W), plain, 1e-5f);
    }

    [Fact]
    public void StepsReuseBindingsAndAllocateNothingOnCpu()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T, Timestep = TimestepForm.FloatBatch, Precision = TensorPrecision.Float16 };
        UNetWeights w = UNetWeights.Random(spec, 1);
        using OnnxDenoiser denoiser = Create(spec, w);
        var shape = new LatentShape(2, 4, 8, 8);
        float[] ehs = Reference.Random(2 * T * D, 1);
        using IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(ehs, 2, T, D)), shape);
        float[] x = Reference.Random(shape.Length, 2);
        var prediction = new float[shape.Length];
        session.Predict(x, 999, prediction, CancellationToken.None); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 5; step++)
        {
            session.Predict(x, 999 - (step * 40), prediction, CancellationToken.None);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        // The last step's numbers are those of the formula at t = 839.
        Reference.AssertClose(Reference.UNet(spec, w, x, [839, 839], ehs, T, 2, 8, 8), prediction, 1e-2f);
    }

    [Fact]
    public void CancelledStepThrowsAndTheSessionStaysUsable()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T };
        using OnnxDenoiser denoiser = Create(spec, UNetWeights.Random(spec, 1));
        var shape = new LatentShape(1, 4, H, W);
        using IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, T, D)), shape);
        var buffer = new float[shape.Length];
        Assert.ThrowsAny<OperationCanceledException>(() => session.Predict(buffer, 10, buffer, new CancellationToken(canceled: true)));
        session.Predict(buffer, 10, buffer, CancellationToken.None);
    }

    [Fact]
    public void ATokenThatFiresAfterTheRunFinishedDoesNotFailTheNextStep()
    {
        // A token cancelled after ORT returned but before its registration ended sets Terminate with no run to
        // stop; nothing resets it then. Simulate that state, as the registration callback leaves it.
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T };
        using OnnxDenoiser denoiser = Create(spec, UNetWeights.Random(spec, 1));
        var shape = new LatentShape(1, 4, H, W);
        using IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, T, D)), shape);
        var runOptions = (RunOptions)session.GetType().GetField("_runOptions", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(session)!;
        runOptions.Terminate = true;

        var buffer = new float[shape.Length];
        using var fresh = new CancellationTokenSource();
        session.Predict(buffer, 10, buffer, fresh.Token);
        session.Predict(buffer, 10, buffer, CancellationToken.None);
    }

    [Fact]
    public void ALatentShapeTooLargeForOneBufferIsAValidationError()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T };
        using OnnxDenoiser denoiser = Create(spec, UNetWeights.Random(spec, 1));
        var shape = new LatentShape(1, 4, 40_000, 40_000); // 6.4e9 elements: more than one array holds
        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, T, D)), shape));
        Assert.Contains("6400000000", ex.Message, StringComparison.Ordinal);

        // The wrong channel count is reported as such, not as an overflow while formatting the shape.
        ex = Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, T, D)), shape with { Channels = 3 }));
        Assert.Contains("got [1, 3, 40000, 40000]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConditioningOfTheWrongShapeIsRejected()
    {
        var spec = new UNetSpec { ContextDim = D, ContextTokens = T };
        using OnnxDenoiser denoiser = Create(spec, UNetWeights.Random(spec, 1));
        var shape = new LatentShape(2, 4, H, W);
        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(2, T, D + 1)), shape));
        Assert.Contains($"[2, {T}, {D}]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(2, T, D)), shape with { Channels = 3 }));
        var identity = new IdentityConditioning(new FloatTensor(2, 1, 1, D), new FloatTensor(2, 1, H, W), new FloatTensor(2, 1));
        ex = Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(2, T, D), identity), shape));
        Assert.Contains("composed region path", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Mismatches => new()
    {
        { "no-output", "no output named 'out_sample'" },
        { "two-identity-inputs", "only 2 of the 3 identity inputs" },
        { "dynamic-context-width", "'encoder_hidden_states' has a dynamic width" },
        { "extra-input", "unexpected input 'text_embeds'" },
        { "int-sample", "input 'sample' has element type int64" },
        { "identity-width", "'identity_tokens' width 5 differs from 'encoder_hidden_states' width 8" },
        { "timestep-rank", "input 'timestep' has rank 2" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void GraphsOutsideTheContractAreRejectedWithExpectedAndFound(string variant, string problem)
    {
        var g = new GraphBuilder();
        string sample = g.Input("sample", variant == "int-sample" ? OnnxElementType.Int64 : OnnxElementType.Float, "batch", 4, "h", "w");
        if (variant == "timestep-rank")
        {
            g.Input("timestep", OnnxElementType.Int64, "batch", 1);
        }
        else
        {
            g.Input("timestep", OnnxElementType.Int64, "batch");
        }
        g.Input("encoder_hidden_states", OnnxElementType.Float, "batch", 77, variant == "dynamic-context-width" ? "width" : (OnnxDim)8);
        if (variant == "two-identity-inputs")
        {
            g.Input("identity_tokens", OnnxElementType.Float, "batch", "n", 4, 8);
            g.Input("identity_scales", OnnxElementType.Float, "batch", "n");
        }

        if (variant == "identity-width")
        {
            g.Input("identity_tokens", OnnxElementType.Float, "batch", "n", 4, 5);
            g.Input("identity_masks", OnnxElementType.Float, "batch", "n", "h", "w");
            g.Input("identity_scales", OnnxElementType.Float, "batch", "n");
        }

        if (variant == "extra-input")
        {
            g.Input("text_embeds", OnnxElementType.Float, "batch", 8);
        }

        g.Output(variant == "no-output" ? "noise_pred" : "out_sample", g.Identity(sample, "y"), variant == "int-sample" ? OnnxElementType.Int64 : OnnxElementType.Float, "batch", 4, "h", "w");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxDenoiser(session, source: "unet/model.onnx"));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains("unet/model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Expected inputs 'sample' float32|float16", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Found inputs: sample", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class OnnxDenoiserConcurrencyTests
{
    [Fact]
    public async Task SessionsOnOneModelRunConcurrentlyWithTheirOwnConditioning()
    {
        var spec = new UNetSpec { ContextDim = 4, ContextTokens = 2 };
        UNetWeights w = UNetWeights.Random(spec, 4);
        using var denoiser = new OnnxDenoiser(new InferenceSession(UNetModel.Build(spec, w).ToBytes()), ownsSession: true);
        var shape = new LatentShape(2, 4, 6, 6);

        Task<bool>[] runs = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
        {
            float[] ehs = Reference.Random(2 * 2 * 4, 100 + i);
            float[] x = Reference.Random(shape.Length, 200 + i);
            float[] expected = Reference.UNet(spec, w, x, [400 + i, 400 + i], ehs, 2, 2, 6, 6);
            using IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(ehs, 2, 2, 4)), shape);
            var prediction = new float[shape.Length];
            for (int step = 0; step < 20; step++)
            {
                session.Predict(x, 400 + i, prediction, CancellationToken.None);
                Reference.AssertClose(expected, prediction, 1e-5f);
            }

            return true;
        })).ToArray();

        Assert.All(await Task.WhenAll(runs), Assert.True);
    }

    [Fact]
    public void DisposingTheModelKeepsOpenSessionsWorkingAndRefusesNewOnes()
    {
        var spec = new UNetSpec { ContextDim = 4, ContextTokens = 2 };
        UNetWeights w = UNetWeights.Random(spec, 2);
        var denoiser = new OnnxDenoiser(new InferenceSession(UNetModel.Build(spec, w).ToBytes()), ownsSession: true);
        var shape = new LatentShape(1, 4, 2, 2);
        float[] ehs = Reference.Random(8, 1), x = Reference.Random(shape.Length, 2);
        using IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(ehs, 1, 2, 4)), shape);
        denoiser.Dispose();
        var prediction = new float[shape.Length];
        session.Predict(x, 10, prediction, CancellationToken.None);
        Reference.AssertClose(Reference.UNet(spec, w, x, [10], ehs, 2, 1, 2, 2), prediction, 1e-5f);
        Assert.Throws<ObjectDisposedException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(ehs, 1, 2, 4)), shape));
    }

    [Fact]
    public void DisposedSessionRefusesToPredictAndDisposeIsIdempotent()
    {
        var spec = new UNetSpec { ContextDim = 4, ContextTokens = 2 };
        using var denoiser = new OnnxDenoiser(new InferenceSession(UNetModel.Build(spec, UNetWeights.Random(spec, 1)).ToBytes()), ownsSession: true);
        var shape = new LatentShape(1, 4, 2, 2);
        IDenoiserSession session = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, 2, 4)), shape);
        session.Dispose();
        session.Dispose();
        var buffer = new float[shape.Length];
        Assert.Throws<ObjectDisposedException>(() => session.Predict(buffer, 1, buffer, CancellationToken.None));
    }
}

public sealed class OnnxDenoiserDeviceBindingTests
{
    [Theory]
    [InlineData(TensorPrecision.Float32, TimestepForm.Int64Batch)]
    [InlineData(TensorPrecision.Float16, TimestepForm.FloatScalar)]
    public void DeviceBufferPathCopiesConditioningOnceAndStepsEachRun(TensorPrecision precision, TimestepForm form)
    {
        // The device path's bookkeeping (allocator-owned buffers, copy graphs, conditioning copied once,
        // per-step copies) run with CPU memory standing in for the GPU.
        var spec = new UNetSpec { ContextDim = 4, ContextTokens = 2, IdentityTokens = 1, Precision = precision, Timestep = form };
        UNetWeights w = UNetWeights.Random(spec, 6);
        using var denoiser = new OnnxDenoiser(new InferenceSession(UNetModel.Build(spec, w).ToBytes()), new OnnxDenoiserOptions { SimulateDeviceOnCpu = true }, ownsSession: true);
        var shape = new LatentShape(2, 4, 3, 3);
        float[] ehs = Reference.Random(2 * 2 * 4, 1), tokens = Reference.Random(2 * 1 * 1 * 4, 2), masks = Reference.Random(2 * 9, 3);
        float[] scales = [1f, 0.5f];
        var conditioning = new DenoiserConditioning(new FloatTensor(ehs, 2, 2, 4),
            new IdentityConditioning(new FloatTensor(tokens, 2, 1, 1, 4), new FloatTensor(masks, 2, 1, 3, 3), new FloatTensor(scales, 2, 1)));
        using IDenoiserSession session = denoiser.CreateSession(conditioning, shape);
        var prediction = new float[shape.Length];
        float tolerance = precision == TensorPrecision.Float16 ? 1e-2f : 1e-5f;
        for (int step = 0; step < 3; step++)
        {
            float[] x = Reference.Random(shape.Length, 10 + step);
            float t = 900 - (step * 300);
            session.Predict(x, t, prediction, CancellationToken.None);
            Reference.AssertClose(Reference.UNet(spec, w, x, [t, t], ehs, 2, 2, 3, 3, tokens, masks, scales, 1), prediction, tolerance);
        }
    }

    [Fact]
    public void CudaGraphWithABatchRunInChunksIsRejected()
    {
        // One captured graph replays the first chunk's bound addresses for every chunk (ONNX Runtime captures one graph
        // per session unless runs carry distinct gpu_graph_id entries), so chunk 2 would get chunk 1's numbers.
        var spec = new UNetSpec { ContextDim = 6, ContextTokens = 3, BatchSize = 1 };
        var options = new OnnxDenoiserOptions { Location = DenoiserBufferLocation.Cuda, CudaGraph = true, SimulateDeviceOnCpu = true };
        using var denoiser = new OnnxDenoiser(new InferenceSession(UNetModel.Build(spec, UNetWeights.Random(spec, 1)).ToBytes()), options, ownsSession: true);

        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(() => denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(2, 3, 6)), new LatentShape(2, 4, 4, 5)));
        Assert.Contains("fixes its batch to 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 runs", ex.Message, StringComparison.Ordinal);

        // A batch the graph takes in one run is fine.
        using IDenoiserSession one = denoiser.CreateSession(new DenoiserConditioning(new FloatTensor(1, 3, 6)), new LatentShape(1, 4, 4, 5));
    }
}
