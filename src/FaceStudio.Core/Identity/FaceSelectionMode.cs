namespace FaceStudio.Core.Identity;

/// <summary>Which face of a reference photo stands for the person when the photo shows several.</summary>
public enum FaceSelectionMode
{
    /// <summary>The face with the largest box area (ties: the better score).</summary>
    Largest,

    /// <summary>The face at a given index in detector order (best score first, InsightFace's <c>faces[i]</c>).</summary>
    ByIndex,
}
