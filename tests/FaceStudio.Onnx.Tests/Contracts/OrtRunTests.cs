using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Demo.Writer;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Contracts;

public sealed class OrtRunTests
{
    [Fact]
    public void CancelledTokenTerminatesTheRunAndTheOptionsCanBeReused()
    {
        // 40 chained 512×512 MatMuls: if the terminate flag were ignored the run would complete and the test fail.
        var g = new GraphBuilder();
        string x = g.Input("x", OnnxElementType.Float, "n", "n");
        string y = x;
        for (int i = 0; i < 40; i++)
        {
            y = g.Tanh(g.MatMul(y, x));
        }

        g.Output("y", y, OnnxElementType.Float, "n", "n");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        using var runOptions = new RunOptions();
        using var big = OrtValue.CreateTensorValueFromMemory(Reference.Random(512 * 512, 1, 0.01f), [512, 512]);
        using var cts = new CancellationTokenSource();

        Exception? translated = null;
        using (CancellationTokenRegistration registration = OrtRun.Register(runOptions, cts.Token))
        {
            cts.Cancel();
            try
            {
                using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, ["x"], [big], ["y"]);
            }
            catch (OnnxRuntimeException ex)
            {
                translated = OrtRun.Translate(ex, runOptions, cts.Token, "test");
            }
        }

        Assert.IsType<OperationCanceledException>(translated);
        Assert.False(runOptions.Terminate);

        // The same options run the next call to completion.
        using var small = OrtValue.CreateTensorValueFromMemory(new float[] { 0.5f }, [1, 1]);
        using IDisposableReadOnlyCollection<OrtValue> ok = session.Run(runOptions, ["x"], [small], ["y"]);
        float expected = 0.5f;
        for (int i = 0; i < 40; i++)
        {
            expected = MathF.Tanh(expected * 0.5f);
        }

        Assert.Equal(expected, ok[0].GetTensorDataAsSpan<float>()[0], 5);
    }
}
