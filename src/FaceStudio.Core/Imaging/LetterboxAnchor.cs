namespace FaceStudio.Core.Imaging;

/// <summary>Where <see cref="Letterbox.Fit"/> places the resized picture inside the canvas.</summary>
public enum LetterboxAnchor
{
    /// <summary>At the top-left corner, padding right and bottom (InsightFace SCRFD detection input).</summary>
    TopLeft,

    /// <summary>Centred, padding split evenly (extra pixel right/bottom).</summary>
    Center,
}
