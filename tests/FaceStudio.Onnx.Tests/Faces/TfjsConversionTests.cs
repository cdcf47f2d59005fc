using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Tests.Faces;

/// <summary>
/// The converted face models (src/FaceStudio.Models.Faces/models, made by tools/tfjs2onnx) against the outputs of the
/// original TF.js graph models, recorded with @tensorflow/tfjs's CPU backend (tests/TestData/faces/tfjs-records). Needs
/// neither node nor npm: models and records are committed.
/// </summary>
public sealed class TfjsConversionTests
{
    // The TF.js CPU backend and ONNX Runtime sum convolutions in different orders; logits of the letterbox padding
    // reach ±2000, where one float32 ulp is 1.2e-4, hence the small relative term.
    private const double AbsoluteTolerance = 1e-3;
    private const double RelativeTolerance = 1e-5;

    private static readonly Lazy<string> s_root = new(FindRoot);

    private static string Root => s_root.Value;

    private static string ModelsDir => Path.Combine(Root, "src", "FaceStudio.Models.Faces", "models");

    private static string RecordsDir => Path.Combine(Root, "tests", "TestData", "faces", "tfjs-records");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No FaceStudio.Core.sln above '{AppContext.BaseDirectory}'.");
    }

    private static JsonElement Records()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RecordsDir, "records.json")));
        return doc.RootElement.Clone();
    }

    private static JsonElement Model(string name) =>
        Records().GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in Records().GetProperty("models").EnumerateArray())
        {
            foreach (var c in m.GetProperty("cases").EnumerateArray())
            {
                data.Add(m.GetProperty("name").GetString()!, c.GetProperty("name").GetString()!);
            }
        }

        return data;
    }

    /// <summary>The record's input bytes (xorshift32 or an .rgb file), uint8 HWC.</summary>
    private static byte[] InputBytes(JsonElement testCase, int count)
    {
        if (testCase.TryGetProperty("seed", out var seed))
        {
            var bytes = new byte[count];
            uint x = seed.GetUInt32();
            for (int i = 0; i < count; i++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                bytes[i] = (byte)(x >> 24);
            }

            return bytes;
        }

        return File.ReadAllBytes(Path.Combine(RecordsDir, testCase.GetProperty("inputFile").GetString()!));
    }

    /// <summary>NHWC uint8 → the ONNX input, NCHW float32, value = float32(u · scale + offset) computed in double.</summary>
    private static void Fill(DenseTensor<float> tensor, int batchIndex, byte[] bytes, int h, int w, int c, double scale, double offset)
    {
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < c; k++)
                {
                    tensor[batchIndex, k, y, x] = (float)((bytes[(((y * w) + x) * c) + k] * scale) + offset);
                }
            }
        }
    }

    private static float[] Expected(JsonElement testCase)
    {
        var raw = File.ReadAllBytes(Path.Combine(RecordsDir, testCase.GetProperty("outputs").GetString()!));
        var values = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("records are little-endian");
        }

        return values;
    }

    private static (int H, int W, int C) InputShape(JsonElement model)
    {
        var s = model.GetProperty("inputShapeNhwc").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (s[1], s[2], s[3]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Converted_model_agrees_with_tfjs(string modelName, string caseName)
    {
        var model = Model(modelName);
        var testCase = model.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == caseName);
        var (h, w, c) = InputShape(model);
        var input = new DenseTensor<float>([1, c, h, w]);
        Fill(input, 0, InputBytes(testCase, h * w * c), h, w, c,
            model.GetProperty("inputScale").GetDouble(), model.GetProperty("inputOffset").GetDouble());
        var expected = Expected(testCase);

        using var session = new InferenceSession(Path.Combine(ModelsDir, model.GetProperty("onnx").GetString()!));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(model.GetProperty("input").GetString()!, input)]);
        int offset = 0;
        foreach (var output in model.GetProperty("outputs").EnumerateArray())
        {
            string name = output.GetProperty("onnx").GetString()!;
            var tensor = results.Single(r => r.Name == name).AsTensor<float>();
            var shape = output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(shape, tensor.Dimensions.ToArray());
            var got = tensor.ToArray();
            for (int i = 0; i < got.Length; i++)
            {
                double reference = expected[offset + i];
                double diff = Math.Abs(got[i] - reference);
                Assert.True(diff <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(reference)),
                    $"{modelName}/{caseName} {name}[{i}]: onnx {got[i]}, tfjs {reference}, |diff| {diff}");
            }

            offset += got.Length;
        }

        Assert.Equal(expected.Length, offset);
    }

    [Theory]
    [InlineData("facemesh")]
    [InlineData("mobileface")]
    public void Models_with_a_free_batch_run_several_inputs_at_once(string modelName)
    {
        var model = Model(modelName);
        var cases = model.GetProperty("cases").EnumerateArray().ToArray();
        var (h, w, c) = InputShape(model);
        var input = new DenseTensor<float>([cases.Length, c, h, w]);
        for (int b = 0; b < cases.Length; b++)
        {
            Fill(input, b, InputBytes(cases[b], h * w * c), h, w, c,
                model.GetProperty("inputScale").GetDouble(), model.GetProperty("inputOffset").GetDouble());
        }

        using var session = new InferenceSession(Path.Combine(ModelsDir, model.GetProperty("onnx").GetString()!));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var outputs = model.GetProperty("outputs").EnumerateArray().ToArray();
        for (int b = 0; b < cases.Length; b++)
        {
            var expected = Expected(cases[b]);
            int offset = 0;
            foreach (var output in outputs)
            {
                var got = results.Single(r => r.Name == output.GetProperty("onnx").GetString()).AsTensor<float>().ToArray();
                int per = got.Length / cases.Length;
                for (int i = 0; i < per; i++)
                {
                    double reference = expected[offset + i];
                    Assert.True(Math.Abs(got[(b * per) + i] - reference) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(reference)));
                }

                offset += per;
            }
        }
    }

    [Theory]
    [InlineData("blazeface", "input", new[] { 1, 3, 256, 256 }, "classificators_1:1x512x1,classificators_2:1x384x1,regressors_1:1x512x16,regressors_2:1x384x16")]
    [InlineData("blazeface-front", "input", new[] { 1, 3, 128, 128 }, "classificators_1:1x512x1,classificators_2:1x384x1,regressors_1:1x512x16,regressors_2:1x384x16")]
    [InlineData("facemesh", "input", new[] { -1, 3, 192, 192 }, "output_mesh:-1x1404,output_faceflag:-1x1,output_contours:-1x266")]
    [InlineData("mobileface", "input", new[] { -1, 3, 112, 112 }, "embedding:-1x256")]
    public void Models_have_the_documented_contract(string modelName, string inputName, int[] inputShape, string outputs)
    {
        using var session = new InferenceSession(Path.Combine(ModelsDir, modelName + ".onnx"));
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(inputName, input.Key);
        Assert.Equal(inputShape, input.Value.Dimensions);
        var actual = string.Join(",", session.OutputMetadata.Select(o => $"{o.Key}:{string.Join("x", o.Value.Dimensions)}").Order(StringComparer.Ordinal));
        var wanted = string.Join(",", outputs.Split(',').Order(StringComparer.Ordinal));
        Assert.Equal(wanted, actual);
    }

    [Fact]
    public void Shipped_face_models_stay_under_ten_megabytes()
    {
        long total = Directory.GetFiles(ModelsDir, "*.onnx").Sum(f => new FileInfo(f).Length);
        Assert.InRange(total, 1, 10L * 1024 * 1024);
    }
}
