using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Latents;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// Tiled VAE decode (issue 20's low-memory mode) against diffusers 0.28.2's <c>AutoencoderKL.tiled_decode</c>
/// (recorded by tools/parity/record_tiled_decode.py on the parity pack's VAE, 32-pixel tiles, overlap 0.25, a 7×11
/// latent: a 3×4 grid of tiles with 1- and 2-cell edge tiles).
/// </summary>
public class TiledDecodeParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private const string Dir = "components/vae_decoder_tiled/";

    private static FloatTensor ScaledLatents(float scaling)
    {
        var npy = ParityFixtures.Read(Dir + "latent_sample.npy");
        float[] values = npy.AsFloat();

        // The recorded latents are what the ONNX graph takes; the SDK decoder divides by the scaling factor first.
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= scaling;
        }

        return new FloatTensor(values, npy.Shape.Select(d => (int)d).ToArray());
    }

    [Fact]
    public async Task The_tiled_decode_matches_diffusers_tiled_decode_and_differs_from_the_whole_decode()
    {
        using OnnxLatentDecoder onnx = OnnxLatentDecoder.Load(Path.Combine(ParityFixtures.Pack, "vae_decoder", "model.onnx"));
        var tiled = new TiledLatentDecoder(onnx, new VaeTiling { TileSampleSize = 32 });
        FloatTensor latents = ScaledLatents(onnx.ScalingFactor);

        FloatTensor actualTiled = await tiled.DecodeAsync(latents);
        FloatTensor actualWhole = await onnx.DecodeAsync(latents);

        float[] expectedTiled = ParityFixtures.Read(Dir + "sample_tiled.npy").AsFloat();
        float[] expectedWhole = ParityFixtures.Read(Dir + "sample_untiled.npy").AsFloat();
        Assert.Equal([1, 3, 56, 88], actualTiled.ShapeArray());
        double tiledRel = ParityFixtures.RelativeL2(actualTiled.Span, expectedTiled);
        double wholeRel = ParityFixtures.RelativeL2(actualWhole.Span, expectedWhole);
        double tilingEffect = ParityFixtures.RelativeL2(expectedTiled, expectedWhole);
        output.WriteLine($"tiled vs diffusers tiled: rel L2 {tiledRel:E2}; whole vs diffusers whole: {wholeRel:E2}; tiled vs whole (diffusers): {tilingEffect:E2}");

        Assert.InRange(wholeRel, 0, Tolerance);
        Assert.InRange(tiledRel, 0, Tolerance);

        // The fixture exercises tiling: a decoder that ignored it would be far outside the tolerance.
        Assert.True(tilingEffect > 100 * Tolerance, $"tiling changed the reference only by {tilingEffect:E2}");
    }

    [Fact]
    public async Task Latents_within_one_tile_are_decoded_whole()
    {
        using OnnxLatentDecoder onnx = OnnxLatentDecoder.Load(Path.Combine(ParityFixtures.Pack, "vae_decoder", "model.onnx"));
        var tiled = new TiledLatentDecoder(onnx, new VaeTiling { TileSampleSize = 88 });
        FloatTensor latents = ScaledLatents(onnx.ScalingFactor);
        FloatTensor viaTiling = await tiled.DecodeAsync(latents);
        double rel = ParityFixtures.RelativeL2(viaTiling.Span, ParityFixtures.Read(Dir + "sample_untiled.npy").AsFloat());
        Assert.InRange(rel, 0, Tolerance);
    }
}
