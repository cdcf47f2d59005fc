using FaceStudio.Core.Denoising;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Tests.Writer.Models;

public sealed class ContractModelTests
{
    [Theory]
    [InlineData(OnnxElementType.Int32)]
    [InlineData(OnnxElementType.Int64)]
    public void TextEncoderMatchesFormula(OnnxElementType idsType)
    {
        var spec = new TextEncoderSpec { VocabSize = 50, MaxTokens = 7, HiddenSize = 6, InputIdsType = idsType };
        TextEncoderWeights w = TextEncoderWeights.Random(spec, 11);
        long[] ids = [49406, 3, 4, 49407, 49407, 49407, 49407, 49406, 7, 8, 9, 10, 49407, 0];
        Dictionary<string, float[]> outputs = OrtRunner.Run(TextEncoderModel.Build(spec, w).ToBytes(), ("input_ids", ids, [2, 7]));
        (float[] last, float[] pooled) = Reference.TextEncoder(spec, w, ids, 2);
        Reference.AssertClose(last, outputs["last_hidden_state"], 1e-5f);
        Reference.AssertClose(pooled, outputs["pooler_output"], 1e-5f);
    }

    [Theory]
    [InlineData(TimestepForm.Int64Batch)]
    [InlineData(TimestepForm.FloatBatch)]
    [InlineData(TimestepForm.FloatScalar)]
    public void UNetMatchesFormulaForEachTimestepForm(TimestepForm form)
    {
        var spec = new UNetSpec { ContextDim = 5, ContextTokens = 3, Timestep = form };
        UNetWeights w = UNetWeights.Random(spec, 5);
        float[] x = Reference.Random(2 * 4 * 3 * 2, 1);
        float[] ehs = Reference.Random(2 * 3 * 5, 2);
        float[] tB = [981f, 981f];
        (string, Array, long[]) timestep = form switch
        {
            TimestepForm.Int64Batch => ("timestep", new long[] { 981, 981 }, [2]),
            TimestepForm.FloatBatch => ("timestep", tB, [2]),
            _ => ("timestep", new[] { 981f }, []),
        };
        Dictionary<string, float[]> outputs = OrtRunner.Run(UNetModel.Build(spec, w).ToBytes(),
            ("sample", x, [2, 4, 3, 2]), timestep, ("encoder_hidden_states", ehs, [2, 3, 5]));
        Reference.AssertClose(Reference.UNet(spec, w, x, tB, ehs, 3, 2, 3, 2), outputs["out_sample"], 1e-5f);
    }

    [Fact]
    public void UNetTimestepTypesAreDeclaredAsTheContractSays()
    {
        static (TensorElementType, int) Declared(TimestepForm form, TensorPrecision p)
        {
            var spec = new UNetSpec { ContextDim = 4, Timestep = form, Precision = p };
            using var s = new InferenceSession(UNetModel.Build(spec, UNetWeights.Random(spec, 1)).ToBytes());
            NodeMetadata m = s.InputMetadata["timestep"];
            return (m.ElementDataType, m.Dimensions.Length);
        }

        Assert.Equal((TensorElementType.Int64, 1), Declared(TimestepForm.Int64Batch, TensorPrecision.Float16));
        Assert.Equal((TensorElementType.Float, 1), Declared(TimestepForm.FloatBatch, TensorPrecision.Float32));
        Assert.Equal((TensorElementType.Float16, 0), Declared(TimestepForm.FloatScalar, TensorPrecision.Float16));
    }

    [Fact]
    public void IdentityUNetMatchesFormulaAndRoutesByMask()
    {
        var spec = new UNetSpec { ContextDim = 4, ContextTokens = 2, IdentityTokens = 3 };
        UNetWeights w = UNetWeights.Random(spec, 9);
        const int b = 1, n = 2, h = 2, wd = 2;
        float[] x = Reference.Random(b * 4 * h * wd, 3);
        float[] ehs = Reference.Random(b * 2 * 4, 4);
        float[] tokens = Reference.Random(b * n * 3 * 4, 5);
        float[] masks = [1, 1, 0, 0, /* identity 1 */ 0, 0, 1, 1];
        float[] scales = [0.8f, 1.2f];
        byte[] model = UNetModel.Build(spec, w).ToBytes();
        float[] Run(float[] tok) => OrtRunner.Run(model, ("sample", x, [b, 4, h, wd]), ("timestep", new long[] { 500 }, [b]),
            ("encoder_hidden_states", ehs, [b, 2, 4]), ("identity_tokens", tok, [b, n, 3, 4]), ("identity_masks", masks, [b, n, h, wd]),
            ("identity_scales", scales, [b, n]))["out_sample"];

        float[] actual = Run(tokens);
        Reference.AssertClose(Reference.UNet(spec, w, x, [500f], ehs, 2, b, h, wd, tokens, masks, scales, n), actual, 1e-5f);

        // Changing identity 1's tokens leaves identity 0's region (pixels 0 and 1) unchanged, bit for bit.
        float[] changed = (float[])tokens.Clone();
        for (int i = 12; i < 24; i++)
        {
            changed[i] += 3f;
        }

        float[] other = Run(changed);
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(actual[(c * 4) + 0], other[(c * 4) + 0]);
            Assert.Equal(actual[(c * 4) + 1], other[(c * 4) + 1]);
            Assert.NotEqual(actual[(c * 4) + 2], other[(c * 4) + 2]);
        }
    }

    [Fact]
    public void Fp16UNetMatchesFp32WithinTolerance()
    {
        var spec32 = new UNetSpec { ContextDim = 8, ContextTokens = 4, Timestep = TimestepForm.FloatBatch };
        UNetSpec spec16 = spec32 with { Precision = TensorPrecision.Float16 };
        UNetWeights w = UNetWeights.Random(spec32, 2);
        float[] x = Reference.Random(4 * 8 * 8, 6);
        float[] ehs = Reference.Random(4 * 8, 7);
        (string, Array, long[])[] inputs = [("sample", x, [1, 4, 8, 8]), ("timestep", new[] { 700f }, [1]), ("encoder_hidden_states", ehs, [1, 4, 8])];
        float[] a = OrtRunner.Run(UNetModel.Build(spec32, w).ToBytes(), inputs)["out_sample"];
        float[] b = OrtRunner.Run(UNetModel.Build(spec16, w).ToBytes(), inputs)["out_sample"];
        Reference.AssertClose(a, b, 1e-2f);
    }

    [Theory]
    [InlineData(TensorPrecision.Float32, 1e-5f)]
    [InlineData(TensorPrecision.Float16, 1e-2f)]
    public void VaeDecoderMatchesFormula(TensorPrecision precision, float tolerance)
    {
        var spec = new VaeSpec { Precision = precision };
        VaeWeights w = VaeWeights.Random(spec, 3);
        float[] z = Reference.Random(2 * 4 * 2 * 3, 8, 2f);
        float[] actual = OrtRunner.Run(VaeModels.BuildDecoder(spec, w).ToBytes(), ("latent_sample", z, [2, 4, 2, 3]))["sample"];
        Reference.AssertClose(Reference.VaeDecode(spec, w, z, 2, 2, 3), actual, tolerance);
    }

    [Theory]
    [InlineData(VaeEncoderOutput.LatentSample, "latent_sample", 4)]
    [InlineData(VaeEncoderOutput.LatentParameters, "latent_parameters", 8)]
    public void VaeEncoderMatchesFormula(VaeEncoderOutput form, string outputName, int channels)
    {
        var spec = new VaeSpec { EncoderOutput = form };
        VaeWeights w = VaeWeights.Random(spec, 4);
        Assert.Equal(channels, w.EncoderBias.Length);
        float[] image = Reference.Random(1 * 3 * 16 * 24, 9);
        float[] actual = OrtRunner.Run(VaeModels.BuildEncoder(spec, w).ToBytes(), ("sample", image, [1, 3, 16, 24]))[outputName];
        Reference.AssertClose(Reference.VaeEncode(spec, w, image, 1, 16, 24), actual, 1e-5f);
    }
}
