using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Latents;

/// <summary>
/// Decodes latents larger than one tile in overlapping tiles through an inner decoder and blends the seams, the way
/// diffusers 0.28's <c>AutoencoderKL.tiled_decode</c> does (same tile grid, the same in-place linear blends of each
/// tile with the blended tile above and to its left, the same crops), so the decoder never holds the activations of
/// more than one tile. Latents no larger than one tile go to the inner decoder whole. Thread-safe if the inner
/// decoder is.
/// </summary>
public sealed class TiledLatentDecoder : ILatentDecoder
{
    private readonly ILatentDecoder _inner;
    private readonly int _latentTile;
    private readonly int _stride;
    private readonly int _blendExtent;
    private readonly int _rowLimit;

    /// <summary>Wraps <paramref name="inner"/>, which must accept latents of any size up to one tile.</summary>
    /// <exception cref="FaceStudioValidationException">The tile is not a whole number of latent cells, or too small to overlap.</exception>
    public TiledLatentDecoder(ILatentDecoder inner, VaeTiling? tiling = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        tiling ??= new VaeTiling();
        tiling.Validate();
        _inner = inner;
        Tiling = tiling;
        int factor = inner.DownscaleFactor;
        if (factor < 1 || tiling.TileSampleSize % factor != 0)
        {
            throw new FaceStudioValidationException(nameof(VaeTiling.TileSampleSize), string.Create(CultureInfo.InvariantCulture,
                $"TileSampleSize must be a multiple of the decoder's downscale factor {factor}; got {tiling.TileSampleSize}."));
        }

        // diffusers: tile_latent_min_size, overlap_size = int(latent * (1 - f)), blend_extent = int(sample * f).
        _latentTile = tiling.TileSampleSize / factor;
        _stride = (int)(_latentTile * (1 - tiling.OverlapFactor));
        _blendExtent = (int)(tiling.TileSampleSize * tiling.OverlapFactor);
        _rowLimit = tiling.TileSampleSize - _blendExtent;
        if (_stride < 1)
        {
            throw new FaceStudioValidationException(nameof(VaeTiling.TileSampleSize), string.Create(CultureInfo.InvariantCulture,
                $"A tile of {tiling.TileSampleSize} pixels ({_latentTile} latent cells) with overlap {tiling.OverlapFactor} advances by no whole latent cell; use a larger tile or a smaller overlap."));
        }
    }

    /// <summary>The tiling settings.</summary>
    public VaeTiling Tiling { get; }

    /// <inheritdoc />
    public int LatentChannels => _inner.LatentChannels;

    /// <inheritdoc />
    public int DownscaleFactor => _inner.DownscaleFactor;

    /// <inheritdoc />
    public float ScalingFactor => _inner.ScalingFactor;

    /// <inheritdoc />
    public async Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.Rank != 4)
        {
            throw new FaceStudioValidationException(nameof(latents), $"Latents must be [B, C, h, w]; got {latents}.");
        }

        int batch = latents.Dim(0), h = latents.Dim(2), w = latents.Dim(3);
        if (h <= _latentTile && w <= _latentTile)
        {
            return await _inner.DecodeAsync(latents, cancellationToken).ConfigureAwait(false);
        }

        var rows = new List<FloatTensor[]>();
        for (int i = 0; i < h; i += _stride)
        {
            var row = new List<FloatTensor>();
            for (int j = 0; j < w; j += _stride)
            {
                cancellationToken.ThrowIfCancellationRequested();
                FloatTensor tile = Crop(latents, i, Math.Min(i + _latentTile, h), j, Math.Min(j + _latentTile, w));
                FloatTensor decoded = await _inner.DecodeAsync(tile, cancellationToken).ConfigureAwait(false);
                if (decoded.Rank != 4 || decoded.Dim(0) != batch || decoded.Dim(2) != tile.Dim(2) * DownscaleFactor || decoded.Dim(3) != tile.Dim(3) * DownscaleFactor)
                {
                    throw new ModelContractException(string.Create(CultureInfo.InvariantCulture,
                        $"The VAE decoder turned a latent tile {tile} into {decoded}; expected [{batch}, C, {tile.Dim(2) * DownscaleFactor}, {tile.Dim(3) * DownscaleFactor}]."));
                }

                row.Add(decoded);
            }

            rows.Add([.. row]);
        }

        return Blend(rows);
    }

    /// <summary>Blends every tile with the (already blended) tile above and to its left, crops, and concatenates.</summary>
    private FloatTensor Blend(List<FloatTensor[]> rows)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = 0; j < rows[i].Length; j++)
            {
                if (i > 0)
                {
                    BlendVertical(rows[i - 1][j], rows[i][j]);
                }

                if (j > 0)
                {
                    BlendHorizontal(rows[i][j - 1], rows[i][j]);
                }
            }
        }

        FloatTensor first = rows[0][0];
        int batch = first.Dim(0), outChannels = first.Dim(1);
        int height = rows.Sum(r => Math.Min(_rowLimit, r[0].Dim(2)));
        int width = rows[0].Sum(t => Math.Min(_rowLimit, t.Dim(3)));
        var result = new FloatTensor(batch, outChannels, height, width);
        int top = 0;
        foreach (FloatTensor[] row in rows)
        {
            int left = 0;
            int rowHeight = Math.Min(_rowLimit, row[0].Dim(2));
            foreach (FloatTensor tile in row)
            {
                int tileWidth = Math.Min(_rowLimit, tile.Dim(3));
                int th = tile.Dim(2), tw = tile.Dim(3);
                for (int p = 0; p < batch * outChannels; p++)
                {
                    for (int y = 0; y < rowHeight; y++)
                    {
                        tile.Buffer.AsSpan((((p * th) + y) * tw), tileWidth)
                            .CopyTo(result.Buffer.AsSpan((((p * height) + top + y) * width) + left, tileWidth));
                    }
                }

                left += tileWidth;
            }

            top += rowHeight;
        }

        return result;
    }

    /// <summary>diffusers' <c>blend_v</c>: the first rows of <paramref name="below"/> fade in from the last rows of <paramref name="above"/>.</summary>
    private void BlendVertical(FloatTensor above, FloatTensor below)
    {
        int extent = Math.Min(Math.Min(above.Dim(2), below.Dim(2)), _blendExtent);
        int planes = below.Dim(0) * below.Dim(1);
        int aboveH = above.Dim(2), belowH = below.Dim(2), width = below.Dim(3);
        for (int y = 0; y < extent; y++)
        {
            float wa = (float)(1 - ((double)y / extent));
            float wb = (float)((double)y / extent);
            for (int p = 0; p < planes; p++)
            {
                Span<float> b = below.Buffer.AsSpan(((p * belowH) + y) * width, width);
                ReadOnlySpan<float> a = above.Buffer.AsSpan(((p * aboveH) + aboveH - extent + y) * above.Dim(3), width);
                for (int x = 0; x < width; x++)
                {
                    b[x] = (a[x] * wa) + (b[x] * wb);
                }
            }
        }
    }

    /// <summary>diffusers' <c>blend_h</c>: the first columns of <paramref name="right"/> fade in from the last columns of <paramref name="left"/>.</summary>
    private void BlendHorizontal(FloatTensor left, FloatTensor right)
    {
        int extent = Math.Min(Math.Min(left.Dim(3), right.Dim(3)), _blendExtent);
        int planes = right.Dim(0) * right.Dim(1);
        int height = right.Dim(2), leftW = left.Dim(3), rightW = right.Dim(3);
        for (int x = 0; x < extent; x++)
        {
            float wa = (float)(1 - ((double)x / extent));
            float wb = (float)((double)x / extent);
            for (int p = 0; p < planes; p++)
            {
                for (int y = 0; y < height; y++)
                {
                    int bi = (((p * height) + y) * rightW) + x;
                    float a = left.Buffer[(((p * left.Dim(2)) + y) * leftW) + leftW - extent + x];
                    right.Buffer[bi] = (a * wa) + (right.Buffer[bi] * wb);
                }
            }
        }
    }

    /// <summary>latents[:, :, y0:y1, x0:x1].</summary>
    private static FloatTensor Crop(FloatTensor latents, int y0, int y1, int x0, int x1)
    {
        int planes = latents.Dim(0) * latents.Dim(1), h = latents.Dim(2), w = latents.Dim(3);
        int th = y1 - y0, tw = x1 - x0;
        var tile = new FloatTensor(latents.Dim(0), latents.Dim(1), th, tw);
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < th; y++)
            {
                latents.Buffer.AsSpan((((p * h) + y0 + y) * w) + x0, tw).CopyTo(tile.Buffer.AsSpan(((p * th) + y) * tw, tw));
            }
        }

        return tile;
    }
}
