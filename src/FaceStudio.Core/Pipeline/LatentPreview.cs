using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Pipeline;

/// <summary>
/// A cheap preview of Stable Diffusion 1.x latents without the VAE: a fixed linear map from the 4 latent channels to
/// RGB (the widely used approximation of the SD 1.5 VAE's colour response), one pixel per latent cell.
/// </summary>
public static class LatentPreview
{
    // Rows: latent channel; columns: R, G, B.
    private static ReadOnlySpan<float> Factors =>
    [
        0.298f, 0.207f, 0.208f,
        0.187f, 0.286f, 0.173f,
        -0.158f, 0.189f, 0.264f,
        -0.184f, -0.271f, -0.473f,
    ];

    /// <summary>Renders one latent image [C, h, w] (C = 4 uses the colour map, other C the channel mean as grey).</summary>
    public static RgbImage Render(ReadOnlySpan<float> latent, int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (latent.Length != channels * height * width)
        {
            throw new ArgumentException($"Expected {channels}×{height}×{width} latent values but got {latent.Length}.", nameof(latent));
        }

        var image = new RgbImage(width, height);
        byte[] pixels = image.Pixels;
        int plane = height * width;
        for (int p = 0; p < plane; p++)
        {
            float r = 0, g = 0, b = 0;
            if (channels == 4)
            {
                for (int c = 0; c < 4; c++)
                {
                    float v = latent[(c * plane) + p];
                    r += v * Factors[c * 3];
                    g += v * Factors[(c * 3) + 1];
                    b += v * Factors[(c * 3) + 2];
                }
            }
            else
            {
                for (int c = 0; c < channels; c++)
                {
                    r += latent[(c * plane) + p];
                }

                r /= channels;
                g = b = r;
            }

            pixels[p * 3] = ToByte(r);
            pixels[(p * 3) + 1] = ToByte(g);
            pixels[(p * 3) + 2] = ToByte(b);
        }

        return image;
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round((v + 1f) * 127.5f), 0f, 255f);
}
