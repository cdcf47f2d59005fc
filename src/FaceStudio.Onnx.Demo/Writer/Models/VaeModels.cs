namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>
/// Demo VAE. Decoder: <c>latent_sample [B, C, h, w]</c> → <c>sample [B, 3, f·h, f·w]</c> =
/// nearest-upsample×f(tanh(Wd·z + bd)). Encoder: <c>sample [B, 3, H, W]</c> → <c>latent_sample</c>
/// (or <c>latent_parameters</c>) = We·avgpool_f(x) + be.
/// </summary>
public static class VaeModels
{
    /// <summary>Builds the decoder graph.</summary>
    public static OnnxModelBuilder BuildDecoder(VaeSpec spec, VaeWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, f = spec.DownscaleFactor;
        ModelIo.CheckLength(weights.Decoder, 3L * c, nameof(weights.Decoder));
        ModelIo.CheckLength(weights.DecoderBias, 3, nameof(weights.DecoderBias));
        var g = new GraphBuilder("vae_decoder");
        string z = ModelIo.FloatInput(g, "latent_sample", spec.Precision, "batch", c, "latent_height", "latent_width");
        string rgb = g.Tanh(g.Conv(z, ModelIo.Weight(g, "decoder.weight", [3, c, 1, 1], weights.Decoder, spec.Precision), ModelIo.Weight(g, "decoder.bias", [3], weights.DecoderBias, spec.Precision), 1));
        string scales = g.Initializer(OnnxTensor.FromFloats(g.UniqueName("scales"), [4], [1f, 1f, f, f]), keepInline: true);
        string up = g.Op("Resize", [rgb, string.Empty, scales],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
        ModelIo.FloatOutput(g, "sample", up, spec.Precision, "batch", 3, "height", "width");
        return ModelIo.Model(g, "VAE decoder");
    }

    /// <summary>Builds the encoder graph.</summary>
    public static OnnxModelBuilder BuildEncoder(VaeSpec spec, VaeWeights weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        int c = spec.LatentChannels, f = spec.DownscaleFactor;
        bool parameters = spec.EncoderOutput == VaeEncoderOutput.LatentParameters;
        int outChannels = parameters ? 2 * c : c;
        ModelIo.CheckLength(weights.Encoder, outChannels * 3L, nameof(weights.Encoder));
        ModelIo.CheckLength(weights.EncoderBias, outChannels, nameof(weights.EncoderBias));
        var g = new GraphBuilder("vae_encoder");
        string x = ModelIo.FloatInput(g, "sample", spec.Precision, "batch", 3, "height", "width");
        string pooled = g.Op("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", f, f), OnnxAttribute.Ints("strides", f, f));
        string latent = g.Conv(pooled, ModelIo.Weight(g, "encoder.weight", [outChannels, 3, 1, 1], weights.Encoder, spec.Precision), ModelIo.Weight(g, "encoder.bias", [outChannels], weights.EncoderBias, spec.Precision), 1);
        ModelIo.FloatOutput(g, parameters ? "latent_parameters" : "latent_sample", latent, spec.Precision, "batch", outChannels, "latent_height", "latent_width");
        return ModelIo.Model(g, "VAE encoder");
    }
}
