namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Parameters of the demo VAE.</summary>
public sealed class VaeWeights
{
    /// <summary>Decoder 1×1 convolution [3, C].</summary>
    public required float[] Decoder { get; init; }

    /// <summary>Decoder bias [3].</summary>
    public required float[] DecoderBias { get; init; }

    /// <summary>Encoder 1×1 convolution [C_out, 3] (C_out = C, or 2C for latent parameters).</summary>
    public required float[] Encoder { get; init; }

    /// <summary>Encoder bias [C_out].</summary>
    public required float[] EncoderBias { get; init; }

    /// <summary>Seeded random weights.</summary>
    public static VaeWeights Random(VaeSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new SeededWeights(seed);
        int c = spec.LatentChannels;
        int encoderOut = spec.EncoderOutput == VaeEncoderOutput.LatentParameters ? 2 * c : c;
        return new VaeWeights
        {
            Decoder = r.Uniform(3 * c, -0.6f, 0.6f),
            DecoderBias = r.Uniform(3, -0.1f, 0.1f),
            Encoder = r.Uniform(encoderOut * 3, -1f, 1f),
            EncoderBias = r.Uniform(encoderOut, -0.1f, 0.1f),
        };
    }
}
