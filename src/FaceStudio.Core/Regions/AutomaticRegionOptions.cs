using System.Globalization;

namespace FaceStudio.Core.Regions;

/// <summary>Settings for regions derived from faces found in a style/content image.</summary>
public sealed record AutomaticRegionOptions
{
    /// <summary>Face-to-person expansion.</summary>
    public PersonRegionRule Rule { get; init; } = new();

    /// <summary>Faces scoring below this (in [0, 1]) are ignored.</summary>
    public float MinScore { get; init; } = 0.5f;

    /// <summary>
    /// Explicit assignment: entry k is the index (in the detector's list) of identity k's face. Null: the kept faces
    /// are sorted left to right by box centre and identity k takes the k-th (their count must equal the identities').
    /// </summary>
    public IReadOnlyList<int>? FaceForIdentity { get; init; }
}
