using System.Globalization;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Regions;

/// <summary>Every identity's mask at one resolution.</summary>
/// <param name="Height">Rows h.</param>
/// <param name="Width">Columns w.</param>
/// <param name="Masks">
/// [N, h, w]: values in [0, 1] with Σ_k ≤ 1 at each position under the area rule; diffusers' bicubic rule can
/// overshoot slightly at edges, and where its mask size differs from h × w the values run row-major over the grid.
/// </param>
public sealed record RegionMaskLevel(int Height, int Width, FloatTensor Masks)
{
    /// <summary>Identity <paramref name="identity"/>'s mask, [h, w].</summary>
    public ReadOnlySpan<float> Mask(int identity) => Masks.Buffer.AsSpan(identity * Height * Width, Height * Width);
}
