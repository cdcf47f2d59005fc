using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Denoising;
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

public sealed class OnnxDenoiserCudaGraphTests
{
    // The graph-mode buffer policy on the CPU stand-in: ORT is not asked for a CUDA graph, but the denoiser keeps
    // its buffers exactly as it does for one.
    private static readonly OnnxDenoiserOptions GraphOptions = new() { Location = DenoiserBufferLocation.Cuda, CudaGraph = true, SimulateDeviceOnCpu = true };
    private static readonly UNetSpec Spec = new() { ContextDim = 4, ContextTokens = 2, IdentityTokens = 1 };
    private static readonly LatentShape Shape = new(2, 4, 3, 3);

    private static OnnxDenoiser Create(UNetWeights w, OnnxDenoiserOptions? options) =>
        new(new InferenceSession(UNetModel.Build(Spec, w).ToBytes()), options, ownsSession: true);

    private static DenoiserConditioning Conditioning(int seed, int identities = 1, int height = 3, int width = 3) => new(
        new FloatTensor(Reference.Random(2 * 2 * 4, seed), 2, 2, 4),
        new IdentityConditioning(
            new FloatTensor(Reference.Random(2 * identities * 4, seed + 1), 2, identities, 1, 4),
            new FloatTensor(Reference.Random(2 * identities * height * width, seed + 2), 2, identities, height, width),
            new FloatTensor(Reference.Random(2 * identities, seed + 3), 2, identities)));

    private static nint[] Addresses(IDenoiserSession session) => ((OnnxDenoiserSession)session).DeviceAddresses();

    private static float[] Step(IDenoiserSession session, float[] x, float t)
    {
        var prediction = new float[x.Length];
        session.Predict(x, t, prediction, CancellationToken.None);
        return prediction;
    }

    private static float[] Expected(UNetWeights w, DenoiserConditioning c, float[] x, float t) =>
        Reference.UNet(Spec, w, x, [t, t], c.EncoderHiddenStates.Span.ToArray(), 2, 2, 3, 3,
            c.Identity!.Tokens.Span.ToArray(), c.Identity.Masks.Span.ToArray(), c.Identity.Scales.Span.ToArray(), c.Identity.Tokens.Dim(1));

    [Fact]
    public void SequentialGenerationsReuseTheSameDeviceBuffersAndUseTheirOwnConditioning()
    {
        UNetWeights w = UNetWeights.Random(Spec, 4);
        using OnnxDenoiser graph = Create(w, GraphOptions);
        using OnnxDenoiser plain = Create(w, null);
        float[] x = Reference.Random(Shape.Length, 9);
        DenoiserConditioning first = Conditioning(10), second = Conditioning(20);

        nint[] firstAddresses;
        float[] firstPrediction;
        using (IDenoiserSession session = graph.CreateSession(first, Shape))
        {
            firstAddresses = Addresses(session);
            firstPrediction = Step(session, x, 700);
        }

        using IDenoiserSession next = graph.CreateSession(second, Shape);
        Assert.Equal(7, firstAddresses.Length); // sample, timestep, encoder_hidden_states, 3 identity inputs, output
        Assert.Equal(firstAddresses, Addresses(next));

        float[] secondPrediction = Step(next, x, 700);
        Reference.AssertClose(Expected(w, first, x, 700), firstPrediction, 1e-5f);
        Reference.AssertClose(Expected(w, second, x, 700), secondPrediction, 1e-5f);
        using IDenoiserSession host = plain.CreateSession(second, Shape);
        Reference.AssertClose(Step(host, x, 700), secondPrediction, 1e-5f);
    }

    [Fact]
    public void ASecondConcurrentGenerationIsRejectedUntilTheFirstEnds()
    {
        UNetWeights w = UNetWeights.Random(Spec, 5);
        using OnnxDenoiser graph = Create(w, GraphOptions);
        IDenoiserSession first = graph.CreateSession(Conditioning(1), Shape);
        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(() => graph.CreateSession(Conditioning(2), Shape));
        Assert.Contains("one generation at a time", ex.Message, StringComparison.Ordinal);

        first.Dispose();
        DenoiserConditioning c = Conditioning(3);
        using IDenoiserSession second = graph.CreateSession(c, Shape);
        float[] x = Reference.Random(Shape.Length, 4);
        Reference.AssertClose(Expected(w, c, x, 50), Step(second, x, 50), 1e-5f);
    }

    [Fact]
    public void OtherShapesThanTheCapturedOnesAreRejectedNamingBoth()
    {
        using OnnxDenoiser graph = Create(UNetWeights.Random(Spec, 6), GraphOptions);
        graph.CreateSession(Conditioning(1), Shape).Dispose();

        FaceStudioValidationException latent = Assert.Throws<FaceStudioValidationException>(() => graph.CreateSession(Conditioning(2, height: 4, width: 4), new LatentShape(2, 4, 4, 4)));
        Assert.Contains("captured for latent [2, 4, 3, 3], 2 context tokens, 1 identities of 1 tokens", latent.Message, StringComparison.Ordinal);
        Assert.Contains("but latent [2, 4, 4, 4], 2 context tokens, 1 identities of 1 tokens was asked", latent.Message, StringComparison.Ordinal);

        FaceStudioValidationException identities = Assert.Throws<FaceStudioValidationException>(() => graph.CreateSession(Conditioning(2, identities: 2), Shape));
        Assert.Contains("but latent [2, 4, 3, 3], 2 context tokens, 2 identities of 1 tokens was asked", identities.Message, StringComparison.Ordinal);

        // The rejections released the hold: the captured shape still works.
        graph.CreateSession(Conditioning(3), Shape).Dispose();
    }

    [Fact]
    public void DisposingTheDenoiserDuringAGenerationKeepsItsBuffersUntilItEnds()
    {
        UNetWeights w = UNetWeights.Random(Spec, 7);
        OnnxDenoiser graph = Create(w, GraphOptions);
        DenoiserConditioning c = Conditioning(1);
        using IDenoiserSession session = graph.CreateSession(c, Shape);
        graph.Dispose();
        float[] x = Reference.Random(Shape.Length, 2);
        Reference.AssertClose(Expected(w, c, x, 300), Step(session, x, 300), 1e-5f);
        Assert.Throws<ObjectDisposedException>(() => graph.CreateSession(c, Shape));
    }

    [Fact]
    public void WithoutCudaGraphsEachGenerationAllocatesItsOwnDeviceBuffers()
    {
        using OnnxDenoiser denoiser = Create(UNetWeights.Random(Spec, 8), new OnnxDenoiserOptions { SimulateDeviceOnCpu = true });
        using IDenoiserSession first = denoiser.CreateSession(Conditioning(1), Shape);
        using IDenoiserSession second = denoiser.CreateSession(Conditioning(2), Shape);
        nint[] a = Addresses(first), b = Addresses(second);
        Assert.Equal(7, a.Length);
        Assert.All(a, address => Assert.DoesNotContain(address, b));
    }
}
