using FaceStudio.Onnx.Demo.Writer;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Tests.Writer;

public sealed class OnnxModelBuilderTests
{
    // y = tanh(x·W + b) for x [N, 3], W [3, 2]: small enough to compute by hand below.
    private static OnnxModelBuilder Affine(float[] w, float[] b, OnnxElementType storage, OnnxElementType io)
    {
        var g = new GraphBuilder("affine");
        string x = g.Input("x", io, "n", 3);
        string xf = io == OnnxElementType.Float ? x : g.Cast(x, OnnxElementType.Float);
        string y = g.Tanh(g.Add(g.MatMul(xf, g.FloatWeight("w", [3, 2], w, storage)), g.FloatWeight("b", [2], b, storage)));
        string yo = io == OnnxElementType.Float ? y : g.Cast(y, io);
        g.Output("y", yo, io, "n", 2);
        return new OnnxModelBuilder(g);
    }

    private static float[] Expected(float[] x, float[] w, float[] b, int n)
    {
        var y = new float[n * 2];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                double s = b[c];
                for (int k = 0; k < 3; k++)
                {
                    s += x[(r * 3) + k] * w[(k * 2) + c];
                }

                y[(r * 2) + c] = (float)Math.Tanh(s);
            }
        }

        return y;
    }

    private static readonly float[] W = [0.5f, -1f, 0.25f, 2f, -0.75f, 0.125f];
    private static readonly float[] B = [0.1f, -0.2f];
    private static readonly float[] X = [1f, 2f, 3f, -1f, 0.5f, 0.25f];

    [Fact]
    public void Fp32ModelRunsAndMatchesHandComputation()
    {
        using var session = new InferenceSession(Affine(W, B, OnnxElementType.Float, OnnxElementType.Float).ToBytes());
        using var input = OrtValue.CreateTensorValueFromMemory(X, [2, 3]);
        using var results = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        float[] actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        float[] expected = Expected(X, W, B, 2);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }

        Assert.Equal(["x"], session.InputMetadata.Keys);
        Assert.Equal(-1, session.InputMetadata["x"].Dimensions[0]);
        Assert.Equal("n", session.InputMetadata["x"].SymbolicDimensions[0]);
    }

    [Fact]
    public void Fp16WeightsAndIoMatchWithinHalfPrecision()
    {
        using var session = new InferenceSession(Affine(W, B, OnnxElementType.Float16, OnnxElementType.Float16).ToBytes());
        Assert.Equal(TensorElementType.Float16, session.InputMetadata["x"].ElementDataType);
        Float16[] xh = X.Select(v => new Float16(BitConverter.HalfToUInt16Bits((Half)v))).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(xh, [2, 3]);
        using var results = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Half[] actual = System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(results[0].GetTensorDataAsSpan<Float16>()).ToArray();
        float[] expected = Expected(X, W, B, 2);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange((float)actual[i], expected[i] - 2e-3f, expected[i] + 2e-3f);
        }
    }

    [Fact]
    public void ExternalDataIsWrittenWithLocationOffsetAndLengthAndLoads()
    {
        using var folder = new TestFolder();
        var weights = new SeededWeights(7);
        float[] w = weights.Uniform(3 * 2, -1, 1);
        float[] b = weights.Uniform(2, -1, 1);
        OnnxModelBuilder model = Affine(w, b, OnnxElementType.Float, OnnxElementType.Float);
        IReadOnlyList<string> files = model.Save(folder.File("m/model.onnx"), new ExternalDataOptions(SizeThreshold: 16, Alignment: 64));
        Assert.Equal(2, files.Count);
        Assert.Equal("model.onnx_data", Path.GetFileName(files[1]));

        // w (24 bytes) moved out at offset 0; b (8 bytes) stayed inline.
        byte[] data = File.ReadAllBytes(files[1]);
        Assert.Equal(24, data.Length);
        Assert.Equal(w, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray());

        using var session = new InferenceSession(files[0]);
        using var input = OrtValue.CreateTensorValueFromMemory(X, [2, 3]);
        using var results = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        float[] expected = Expected(X, w, b, 2);
        float[] actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesAndOtherSeedDiffers()
    {
        static byte[] Build(ulong seed)
        {
            var r = new SeededWeights(seed);
            return Affine(r.Normal(6, 1), r.Normal(2, 1), OnnxElementType.Float, OnnxElementType.Float).ToBytes();
        }

        Assert.Equal(Build(3), Build(3));
        Assert.NotEqual(Build(3), Build(4));
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var g = new GraphBuilder();
        g.Input("x", OnnxElementType.Float, 1);
        Assert.Throws<ArgumentException>(() => g.Input("x", OnnxElementType.Float, 1));
    }

    [Fact]
    public void ScalarIntAndAttributeKindsRoundTripThroughRuntime()
    {
        // Exercises scalar inputs, int64 tensors, float and ints attributes: y = Gather(table, idx) * alpha.
        var g = new GraphBuilder();
        string idx = g.Input("idx", OnnxElementType.Int64, 2);
        string s = g.Input("s", OnnxElementType.Float);
        string table = g.Initializer("table", [3, 2], [1, 2, 3, 4, 5, 6]);
        string gathered = g.Gather(table, idx);
        string scaled = g.Mul(gathered, s);
        string lrelu = g.Op("LeakyRelu", [scaled], OnnxAttribute.Float("alpha", 0.5f));
        string t = g.Transpose(lrelu, 1, 0);
        g.Output("y", t, OnnxElementType.Float, 2, 2);
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        using var iv = OrtValue.CreateTensorValueFromMemory(new long[] { 2, 0 }, [2]);
        using var sv = OrtValue.CreateTensorValueFromMemory(new float[] { -2f }, []);
        using var results = session.Run(new RunOptions(), ["idx", "s"], [iv, sv], ["y"]);
        // rows: [5,6]*-2 = [-10,-12] -> leaky 0.5 -> [-5,-6]; [1,2]*-2 -> [-1,-2]; transposed: [[-5,-1],[-6,-2]].
        Assert.Equal([-5f, -1f, -6f, -2f], results[0].GetTensorDataAsSpan<float>().ToArray());
    }
}

public sealed class GraphBuilderOpTests
{
    [Fact]
    public void AttentionLayerNormAndConcatMatchHandComputation()
    {
        // out = LayerNorm(concat(softmax(q·kᵀ/√2)·v, q)) with q [1, 2, 2], k [1, 3, 2], v [1, 3, 2].
        var g = new GraphBuilder();
        string q = g.Input("q", OnnxElementType.Float, 1, 2, 2);
        string k = g.Input("k", OnnxElementType.Float, 1, 3, 2);
        string v = g.Input("v", OnnxElementType.Float, 1, 3, 2);
        string attn = g.Attention(q, k, v, headDim: 2, rank: 3);
        string joined = g.Concat(-1, attn, q);
        string norm = g.LayerNorm(joined, g.Initializer("gamma", [4], [1, 1, 1, 1]), g.Initializer("beta", [4], [0, 0, 0, 0]));
        g.Output("y", norm, OnnxElementType.Float, 1, 2, 4);
        float[] qv = [1, 0, 0.5f, -1], kv = [1, 2, -1, 0, 0, 1], vv = [1, 2, 3, 4, 5, 6];
        float[] actual = OrtRunner.Run(new OnnxModelBuilder(g).ToBytes(), ("q", qv, [1, 2, 2]), ("k", kv, [1, 3, 2]), ("v", vv, [1, 3, 2]))["y"];

        var expected = new float[8];
        for (int i = 0; i < 2; i++)
        {
            double[] s = new double[3];
            for (int j = 0; j < 3; j++)
            {
                s[j] = ((qv[i * 2] * kv[j * 2]) + (qv[(i * 2) + 1] * kv[(j * 2) + 1])) / Math.Sqrt(2);
            }

            double max = s.Max(), sum = s.Sum(x => Math.Exp(x - max));
            double[] row = new double[4];
            for (int j = 0; j < 3; j++)
            {
                double p = Math.Exp(s[j] - max) / sum;
                row[0] += p * vv[j * 2];
                row[1] += p * vv[(j * 2) + 1];
            }

            row[2] = qv[i * 2];
            row[3] = qv[(i * 2) + 1];
            double mean = row.Average(), variance = row.Select(x => (x - mean) * (x - mean)).Average();
            for (int c = 0; c < 4; c++)
            {
                expected[(i * 4) + c] = (float)((row[c] - mean) / Math.Sqrt(variance + 1e-5));
            }
        }

        Reference.AssertClose(expected, actual, 1e-4f);
    }

    [Fact]
    public void SliceAndReduceSumMatchHandComputation()
    {
        var g = new GraphBuilder();
        string x = g.Input("x", OnnxElementType.Float, 2, 3);
        g.Output("y", g.ReduceSum(g.Slice(x, [1], [3], [1]), [1], keepDims: false), OnnxElementType.Float, 2);
        float[] actual = OrtRunner.Run(new OnnxModelBuilder(g).ToBytes(), ("x", new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]))["y"];
        Assert.Equal([5f, 11f], actual);
    }
}
