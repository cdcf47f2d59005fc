using System.Numerics.Tensors;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Identity;

/// <summary>One reference face that went into an identity: where it was found and how well.</summary>
/// <param name="Source">The photo's name.</param>
/// <param name="FaceIndex">Index of the face in detector order within that photo.</param>
/// <param name="FacesInPhoto">How many faces the detector found in the photo.</param>
/// <param name="Box">The face box in photo pixels.</param>
/// <param name="Score">Detector confidence.</param>
/// <param name="Landmarks">The five landmarks as <c>[x0, y0, …, x4, y4]</c> in photo pixels.</param>
/// <param name="BelowMinimumSize">True when the face's shorter side is below the configured minimum (a warning, not an error).</param>
public sealed record FaceReport(
    string Source, int FaceIndex, int FacesInPhoto, RegionBox Box, float Score, IReadOnlyList<float> Landmarks, bool BelowMinimumSize)
{
    /// <summary>The shorter side of the face box in pixels.</summary>
    public float Size => Box.ShortSide;
}
