using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Identity;

/// <summary>A face selection rule: <see cref="Largest"/> or <see cref="AtIndex"/>.</summary>
public sealed record FaceSelection
{
    private FaceSelection(FaceSelectionMode mode, int index)
    {
        Mode = mode;
        Index = index;
    }

    /// <summary>Take the largest face.</summary>
    public static FaceSelection Largest { get; } = new(FaceSelectionMode.Largest, 0);

    /// <summary>Take the face at <paramref name="index"/> in detector order (0 is the most confident).</summary>
    public static FaceSelection AtIndex(int index) => index >= 0
        ? new FaceSelection(FaceSelectionMode.ByIndex, index)
        : throw new FaceStudioValidationException(nameof(index), $"A face index must be 0 or more, but {index} was given.");

    /// <summary>The rule.</summary>
    public FaceSelectionMode Mode { get; }

    /// <summary>The face index for <see cref="FaceSelectionMode.ByIndex"/>.</summary>
    public int Index { get; }

    /// <summary>Picks the face index from detector-ordered faces, or -1 when there is none to pick.</summary>
    public int Pick(IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (Mode == FaceSelectionMode.ByIndex)
        {
            return Index < faces.Count ? Index : -1;
        }

        int best = -1;
        for (int i = 0; i < faces.Count; i++)
        {
            if (best < 0 || faces[i].Box.Area > faces[best].Box.Area)
            {
                best = i; // strict '>' keeps the earlier (better-scored) face on ties
            }
        }

        return best;
    }

    /// <inheritdoc />
    public override string ToString() => Mode == FaceSelectionMode.ByIndex ? $"face #{Index}" : "largest face";
}
