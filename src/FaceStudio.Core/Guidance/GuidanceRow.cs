namespace FaceStudio.Core.Guidance;

/// <summary>One batch row: its role and, for <see cref="GuidanceRowRole.Identity"/>, which identity.</summary>
public readonly record struct GuidanceRow(GuidanceRowRole Role, int Identity = -1);
