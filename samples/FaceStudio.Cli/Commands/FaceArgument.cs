using FaceStudio.Core.Regions;

namespace FaceStudio.Cli.Commands;

/// <summary>One <c>--face</c> value split into its parts: the photo and, at most one of, a box or a mask image.</summary>
/// <param name="PhotoPath">The photo of the person.</param>
/// <param name="Box">The region as pixel corners <c>x0,y0,x1,y1</c> in the output image, when one was given.</param>
/// <param name="MaskPath">The region as a mask image, when one was given.</param>
internal sealed record FaceArgument(string PhotoPath, RegionBox? Box, string? MaskPath);
