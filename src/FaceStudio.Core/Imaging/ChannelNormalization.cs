using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Imaging;

/// <summary>
/// How 8-bit RGB values become model input: <c>value = (pixel / Divisor - Mean[c]) / Std[c]</c> for channel c in
/// R, G, B order. The inverse (<see cref="ImageTensors.FromChw(ReadOnlySpan{float}, int, int, ChannelNormalization)"/>)
/// maps model output back with rounding and clamping to 0..255.
/// </summary>
/// <param name="Divisor">Divides the raw 0..255 value first: 255 for [0, 1] inputs, 1 for raw values. (A divisor rather than a
/// 1/255 multiplier because 255 is exact in float, so the inverse maps mid-grey 0 back to exactly 127.5.)</param>
/// <param name="Mean">Per-channel mean subtracted after scaling, R, G, B.</param>
/// <param name="Std">Per-channel standard deviation divided by, R, G, B; must be non-zero.</param>
public readonly record struct ChannelNormalization(float Divisor, (float R, float G, float B) Mean, (float R, float G, float B) Std)
{
    /// <summary>[0, 255] to [0, 1]: divisor 255, mean 0, std 1.</summary>
    public static ChannelNormalization ZeroToOne => new(255f, (0f, 0f, 0f), (1f, 1f, 1f));

    /// <summary>[0, 255] to [-1, 1]: divisor 255, mean 0.5, std 0.5 (Stable Diffusion VAE images).</summary>
    public static ChannelNormalization MinusOneToOne => new(255f, (0.5f, 0.5f, 0.5f), (0.5f, 0.5f, 0.5f));

    /// <summary>OpenAI CLIP image preprocessing: divisor 255, mean (0.48145466, 0.4578275, 0.40821073), std (0.26862954, 0.26130258, 0.27577711).</summary>
    public static ChannelNormalization Clip => new(255f, (0.48145466f, 0.4578275f, 0.40821073f), (0.26862954f, 0.26130258f, 0.27577711f));

    /// <summary>InsightFace ArcFace recognition input: (pixel - 127.5) / 127.5.</summary>
    public static ChannelNormalization ArcFace => new(1f, (127.5f, 127.5f, 127.5f), (127.5f, 127.5f, 127.5f));

    /// <summary>InsightFace SCRFD detection input: (pixel - 127.5) / 128.</summary>
    public static ChannelNormalization Scrfd => new(1f, (127.5f, 127.5f, 127.5f), (128f, 128f, 128f));

    /// <summary>Raw values as floats 0..255.</summary>
    public static ChannelNormalization Identity => new(1f, (0f, 0f, 0f), (1f, 1f, 1f));

    /// <summary>Throws <see cref="FaceStudioValidationException"/> for a zero or non-finite divisor or std, or a non-finite mean.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Divisor) || Divisor == 0f)
        {
            throw new FaceStudioValidationException(nameof(Divisor), $"ChannelNormalization.Divisor must be finite and non-zero but was {Divisor.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        Span<float> std = [Std.R, Std.G, Std.B];
        Span<float> mean = [Mean.R, Mean.G, Mean.B];
        for (int c = 0; c < 3; c++)
        {
            if (!float.IsFinite(std[c]) || std[c] == 0f)
            {
                throw new FaceStudioValidationException(nameof(Std), $"ChannelNormalization.Std[{c}] must be finite and non-zero but was {std[c].ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }

            if (!float.IsFinite(mean[c]))
            {
                throw new FaceStudioValidationException(nameof(Mean), $"ChannelNormalization.Mean[{c}] must be finite but was {mean[c].ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }
        }
    }

    internal float MeanOf(int channel) => channel switch { 0 => Mean.R, 1 => Mean.G, _ => Mean.B };

    internal float StdOf(int channel) => channel switch { 0 => Std.R, 1 => Std.G, _ => Std.B };
}
