using System.Globalization;

namespace FaceStudio.Core.Regions;

/// <summary>How overlapping regions share a position.</summary>
public enum RegionOverlap
{
    /// <summary>Where the masks sum above 1, each is divided by the sum (shared fairly; Σ m_k ≤ 1 everywhere).</summary>
    Normalize,

    /// <summary>Earlier identities win: <c>m_k ← min(m_k, 1 − Σ_{j&lt;k} m_j)</c>.</summary>
    FirstWins,
}
