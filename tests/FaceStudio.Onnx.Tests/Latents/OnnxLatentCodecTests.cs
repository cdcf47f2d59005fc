using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Latents;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Tests.Latents;

public sealed class OnnxLatentCodecTests
{
    [Theory]
    [InlineData(TensorPrecision.Float32, 1e-5f)]
    [InlineData(TensorPrecision.Float16, 1e-2f)]
    public async Task DecoderDividesByScalingFactorThenMatchesFormula(TensorPrecision precision, float tolerance)
    {
        var spec = new VaeSpec { Precision = precision };
        VaeWeights w = VaeWeights.Random(spec, 3);
        using var decoder = new OnnxLatentDecoder(new InferenceSession(VaeModels.BuildDecoder(spec, w).ToBytes()), new VaeOptions { ScalingFactor = 0.5f }, ownsSession: true);
        Assert.Equal(4, decoder.LatentChannels);
        float[] z = Reference.Random(4 * 2 * 2, 4);
        FloatTensor image = await decoder.DecodeAsync(new FloatTensor(z, 1, 4, 2, 2));
        Assert.Equal([1, 3, 16, 16], image.ShapeArray());
        Reference.AssertClose(Reference.VaeDecode(spec, w, z.Select(v => v / 0.5f).ToArray(), 1, 2, 2), image.Buffer, tolerance);
    }

    [Theory]
    [InlineData(VaeEncoderOutput.LatentSample)]
    [InlineData(VaeEncoderOutput.LatentParameters)]
    public async Task EncoderTakesTheMeanAndMultipliesByScalingFactor(VaeEncoderOutput form)
    {
        var spec = new VaeSpec { EncoderOutput = form };
        VaeWeights w = VaeWeights.Random(spec, 5);
        using var encoder = new OnnxLatentEncoder(new InferenceSession(VaeModels.BuildEncoder(spec, w).ToBytes()), ownsSession: true);
        Assert.Equal(4, encoder.LatentChannels);
        Assert.Equal(form == VaeEncoderOutput.LatentParameters, encoder.OutputsParameters);
        float[] image = Reference.Random(2 * 3 * 16 * 8, 6);
        FloatTensor latents = await encoder.EncodeAsync(new FloatTensor(image, 2, 3, 16, 8));
        Assert.Equal([2, 4, 2, 1], latents.ShapeArray());
        float[] raw = Reference.VaeEncode(spec, w, image, 2, 16, 8); // [2, 4 or 8, 2, 1]
        int rawChannels = w.EncoderBias.Length;
        var expected = new float[2 * 4 * 2];
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 8; i++)
            {
                expected[(b * 8) + i] = raw[(b * rawChannels * 2) + i] * VaeOptions.DefaultScalingFactor;
            }
        }

        Reference.AssertClose(expected, latents.Buffer, 1e-5f);
    }

    [Fact]
    public void DecoderWithWrongOutputIsRejected()
    {
        var g = new GraphBuilder();
        string z = g.Input("latent_sample", OnnxElementType.Float, "b", 4, "h", "w");
        g.Output("image", g.Tanh(z), OnnxElementType.Float, "b", 4, "h", "w");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxLatentDecoder(session));
        Assert.Contains("no output named 'sample'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outputs: image float32 [b, 4, h, w]", ex.Message, StringComparison.Ordinal);
    }

    // Reshape to a shape that (formally) depends on the data, so ONNX Runtime cannot infer the output's dimensions
    // and reports the declared dynamic ones: max(input)·0 + dims.
    private static string RuntimeShaped(GraphBuilder g, string input, string value, float[] dims)
    {
        string max = g.Op("ReduceMax", [input], OnnxAttribute.Int("keepdims", 0));
        string zero = g.Op("Mul", [max, g.Initializer(g.UniqueName("zero"), [], [0f])]);
        string shape = g.Op("Cast", [g.Op("Add", [g.Initializer(g.UniqueName("dims"), [dims.Length], dims), zero])], OnnxAttribute.Int("to", 7));
        return g.ReshapeTo(value, shape);
    }

    [Fact]
    public async Task EncoderOutputOfAnotherShapeThanDeclaredIsAContractError()
    {
        // Dynamic channels (taken as 4), but the graph returns 3 (an 8x8 average pool of the image).
        var g = new GraphBuilder();
        string x = g.Input("sample", OnnxElementType.Float, "b", 3, "h", "w");
        string pooled = g.Op("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", [8, 8]), OnnxAttribute.Ints("strides", [8, 8]));
        g.Output("latent_sample", RuntimeShaped(g, x, pooled, [2, 3, 2, 2]), OnnxElementType.Float, "b", "c", "h8", "w8");
        using var encoder = new OnnxLatentEncoder(new InferenceSession(new OnnxModelBuilder(g).ToBytes()), ownsSession: true);
        Assert.Equal(4, encoder.LatentChannels);

        ModelContractException ex = await Assert.ThrowsAsync<ModelContractException>(() => encoder.EncodeAsync(new FloatTensor(2, 3, 16, 16)));
        Assert.Contains("[2, 3, 2, 2]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected [2, 4, 2, 2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecoderOutputWithoutThreeChannelsIsAContractError()
    {
        var g = new GraphBuilder();
        string z = g.Input("latent_sample", OnnxElementType.Float, "b", 4, "h", "w");
        g.Output("sample", RuntimeShaped(g, z, g.Tanh(z), [1, 4, 2, 2]), OnnxElementType.Float, "b", "c", "h", "w");
        using var decoder = new OnnxLatentDecoder(new InferenceSession(new OnnxModelBuilder(g).ToBytes()), ownsSession: true);

        ModelContractException ex = await Assert.ThrowsAsync<ModelContractException>(() => decoder.DecodeAsync(new FloatTensor(1, 4, 2, 2)));
        Assert.Contains("[1, 4, 2, 2]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected [1, 3, H, W]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncoderWithOddParameterChannelsIsRejected()
    {
        var g = new GraphBuilder();
        string x = g.Input("sample", OnnxElementType.Float, "b", 3, "h", "w");
        g.Output("latent_parameters", g.Tanh(x), OnnxElementType.Float, "b", 3, "h", "w");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxLatentEncoder(session));
        Assert.Contains("odd channel count 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncoderWithFourChannelImagesIsRejected()
    {
        var g = new GraphBuilder();
        string x = g.Input("sample", OnnxElementType.Float, "b", 4, "h", "w");
        g.Output("latent_sample", g.Tanh(x), OnnxElementType.Float, "b", 4, "h", "w");
        using var session = new InferenceSession(new OnnxModelBuilder(g).ToBytes());
        ModelContractException ex = Assert.Throws<ModelContractException>(() => new OnnxLatentEncoder(session));
        Assert.Contains("'sample' has 4 channels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecoderWithFp16InputAndWrongLatentsIsRejectedAtCallTime()
    {
        var spec = new VaeSpec { Precision = TensorPrecision.Float16 };
        using var decoder = new OnnxLatentDecoder(new InferenceSession(VaeModels.BuildDecoder(spec, VaeWeights.Random(spec, 1)).ToBytes()), ownsSession: true);
        FaceStudioValidationException ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => decoder.DecodeAsync(new FloatTensor(1, 3, 2, 2)));
        Assert.Contains("[B, 4, h, w]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidScalingFactorIsRejected()
    {
        FaceStudioValidationException ex = Assert.Throws<FaceStudioValidationException>(() => new VaeOptions { ScalingFactor = 0 }.Validate());
        Assert.Equal("ScalingFactor", ex.ParameterName);
    }
}
