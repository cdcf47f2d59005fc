using FaceStudio.Core.Errors;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Tests.Latents;

public class TiledLatentDecoderTests
{
    /// <summary>A decoder whose every pixel depends only on its own latent cell (nearest upsampling): tiling cannot change it.</summary>
    private sealed class NearestDecoder(int factor = 8) : ILatentDecoder
    {
        public List<int[]> Calls { get; } = [];

        public int LatentChannels => 4;

        public int DownscaleFactor => factor;

        public float ScalingFactor => 1f;

        public Func<FloatTensor, FloatTensor>? Override { get; init; }

        public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
        {
            Calls.Add(latents.ShapeArray());
            if (Override is not null)
            {
                return Task.FromResult(Override(latents));
            }

            int b = latents.Dim(0), h = latents.Dim(2), w = latents.Dim(3);
            var image = new FloatTensor(b, 3, h * factor, w * factor);
            for (int n = 0; n < b; n++)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int y = 0; y < h * factor; y++)
                    {
                        for (int x = 0; x < w * factor; x++)
                        {
                            image.Buffer[(((((n * 3) + c) * h * factor) + y) * w * factor) + x] = latents.Buffer[(((((n * 4) + c) * h) + (y / factor)) * w) + (x / factor)];
                        }
                    }
                }
            }

            return Task.FromResult(image);
        }
    }

    private static FloatTensor Latents(int b, int h, int w)
    {
        var t = new FloatTensor(b, 4, h, w);
        var random = new Random(3);
        for (int i = 0; i < t.Length; i++)
        {
            t.Buffer[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return t;
    }

    [Theory]
    [InlineData(7, 11)]
    [InlineData(96, 96)]
    [InlineData(5, 64)]
    public async Task A_local_decoder_gives_the_same_image_tiled_or_whole(int h, int w)
    {
        var inner = new NearestDecoder();
        var tiled = new TiledLatentDecoder(inner, new VaeTiling { TileSampleSize = 32 });
        FloatTensor latents = Latents(2, h, w);
        FloatTensor whole = await inner.DecodeAsync(latents);
        FloatTensor result = await tiled.DecodeAsync(latents);
        Assert.Equal(whole.ShapeArray(), result.ShapeArray());
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.Equal(whole.Buffer[i], result.Buffer[i], 5e-6f);
        }
    }

    [Fact]
    public async Task The_tile_grid_is_diffusers_one()
    {
        // 512-pixel tiles on 8× latents: 64-cell tiles advancing by int(64 · 0.75) = 48 cells; 96 cells need 2 × 2 tiles.
        var inner = new NearestDecoder();
        var tiled = new TiledLatentDecoder(inner);
        await tiled.DecodeAsync(Latents(1, 96, 96));
        Assert.Equal(4, inner.Calls.Count);
        Assert.Equal(new[] { 1, 4, 64, 64 }, inner.Calls[0]);
        Assert.Equal(new[] { 1, 4, 64, 48 }, inner.Calls[1]);
        Assert.Equal(new[] { 1, 4, 48, 48 }, inner.Calls[3]);
    }

    [Fact]
    public async Task Latents_within_one_tile_go_to_the_inner_decoder_whole()
    {
        var inner = new NearestDecoder();
        var tiled = new TiledLatentDecoder(inner);
        await tiled.DecodeAsync(Latents(1, 64, 64));
        Assert.Single(inner.Calls);
        Assert.Equal(new[] { 1, 4, 64, 64 }, inner.Calls[0]);
    }

    [Fact]
    public async Task The_seam_is_a_linear_blend_of_the_two_tiles()
    {
        // Tile k decodes to the constant k + 1: in the blended band the value ramps from the left tile's to the right's.
        int call = 0;
        var inner = new NearestDecoder
        {
            Override = l =>
            {
                var t = new FloatTensor(1, 3, l.Dim(2) * 8, l.Dim(3) * 8);
                t.Span.Fill(++call);
                return t;
            },
        };
        var tiled = new TiledLatentDecoder(inner, new VaeTiling { TileSampleSize = 32 });
        FloatTensor image = await tiled.DecodeAsync(new FloatTensor(1, 4, 4, 7));

        // Tiles at latent columns 0, 3 and 6 (32, 32 and 8 px wide): blend extent int(32 · 0.25) = 8, crop 24.
        Assert.Equal([1, 3, 32, 24 + 24 + 8], image.ShapeArray());
        int width = image.Dim(3);
        for (int x = 0; x < 8; x++)
        {
            float expected = (float)((1 * (1 - (x / 8.0))) + (2 * (x / 8.0)));
            Assert.Equal(expected, image.Buffer[24 + x], 1e-6f);
        }

        Assert.Equal(1f, image.Buffer[23]);
        Assert.Equal(56, width);
    }

    [Fact]
    public async Task A_decoder_returning_the_wrong_size_is_a_contract_error()
    {
        var inner = new NearestDecoder { Override = l => new FloatTensor(1, 3, 8, 8) };
        var tiled = new TiledLatentDecoder(inner, new VaeTiling { TileSampleSize = 32 });
        var ex = await Assert.ThrowsAsync<ModelContractException>(() => tiled.DecodeAsync(new FloatTensor(1, 4, 8, 8)));
        Assert.Contains("expected [1, C, 32, 32]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_are_validated_against_the_decoder()
    {
        var notMultiple = Assert.Throws<FaceStudioValidationException>(() => new TiledLatentDecoder(new NearestDecoder(), new VaeTiling { TileSampleSize = 36 }));
        Assert.Equal(nameof(VaeTiling.TileSampleSize), notMultiple.ParameterName);
        Assert.Contains("multiple of the decoder's downscale factor 8", notMultiple.Message, StringComparison.Ordinal);
        var tooSmall = Assert.Throws<FaceStudioValidationException>(() => new TiledLatentDecoder(new NearestDecoder(), new VaeTiling { TileSampleSize = 8, OverlapFactor = 0.5 }));
        Assert.Contains("advances by no whole latent cell", tooSmall.Message, StringComparison.Ordinal);
        var overlap = Assert.Throws<FaceStudioValidationException>(() => new VaeTiling { OverlapFactor = double.NaN }.Validate());
        Assert.Equal(nameof(VaeTiling.OverlapFactor), overlap.ParameterName);
        Assert.Throws<FaceStudioValidationException>(() => new VaeTiling { TileSampleSize = 4 }.Validate());
    }
}
