namespace FaceStudio.Core.Imaging;

/// <summary>Interpolation kernel of <see cref="ImageResize"/>.</summary>
public enum ResizeFilter
{
    /// <summary>Triangle kernel <c>max(0, 1 - |x|)</c>, support 1 (bilinear).</summary>
    Bilinear,

    /// <summary>Keys cubic convolution kernel with a = -0.5 (as Pillow's BICUBIC), support 2.</summary>
    Bicubic,
}
