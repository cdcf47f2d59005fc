namespace FaceStudio.Core.Imaging;

/// <summary>
/// The result of <see cref="Letterbox.Fit"/>: the canvas and the mapping between source and canvas coordinates
/// (<c>canvas = source * Scale + Offset</c>, per axis).
/// </summary>
/// <param name="Image">The canvas, exactly the requested size.</param>
/// <param name="ScaleX">Horizontal factor: resized width / source width.</param>
/// <param name="ScaleY">Vertical factor: resized height / source height (SCRFD's <c>det_scale</c>).</param>
/// <param name="OffsetX">Left edge of the resized picture in the canvas.</param>
/// <param name="OffsetY">Top edge of the resized picture in the canvas.</param>
/// <param name="ResizedWidth">Width of the resized picture.</param>
/// <param name="ResizedHeight">Height of the resized picture.</param>
public sealed record LetterboxResult(RgbImage Image, double ScaleX, double ScaleY, int OffsetX, int OffsetY, int ResizedWidth, int ResizedHeight)
{
    /// <summary>Maps a point in canvas coordinates back to the source image.</summary>
    public (double X, double Y) ToSource(double x, double y) => ((x - OffsetX) / ScaleX, (y - OffsetY) / ScaleY);

    /// <summary>Maps a point in source coordinates into the canvas.</summary>
    public (double X, double Y) ToCanvas(double x, double y) => ((x * ScaleX) + OffsetX, (y * ScaleY) + OffsetY);
}
