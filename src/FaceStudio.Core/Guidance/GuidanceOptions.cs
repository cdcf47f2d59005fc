using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Guidance;

/// <summary>Settings of the guidance composer and of classifier-free guidance.</summary>
public sealed record GuidanceOptions
{
    /// <summary>Largest accepted guidance scale; beyond it images saturate and it is almost surely a typo.</summary>
    public const float MaxGuidanceScale = 50f;

    /// <summary>Projector flavour.</summary>
    public GuidanceFlavor Flavor { get; init; } = GuidanceFlavor.FaceStudioHybrid;

    /// <summary>
    /// Hybrid guidance weight α in [0, 1]: 1 is the image (style) branch only, 0 the text branch only. Without a
    /// prompt image-space embedding, α scales the identity tokens' strength against the text tokens.
    /// </summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Classifier-free guidance scale g in [0, 50]: <c>ε = ε_u + g·(ε_c − ε_u)</c>.</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>
    /// Optional separate identity guidance scale in [0, 50]. When set, a third batch row (text, identity zeroed) is
    /// added and <c>ε = ε_u + g·(ε_t − ε_u) + g_id·(ε_c − ε_t)</c>.
    /// </summary>
    public float? IdentityGuidanceScale { get; init; }

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Flavor))
        {
            throw new FaceStudioValidationException(nameof(Flavor), $"{nameof(Flavor)} must be {nameof(GuidanceFlavor.FaceStudioHybrid)} or {nameof(GuidanceFlavor.IpAdapterFaceId)} but is {(int)Flavor}.");
        }

        CheckRange(nameof(Alpha), Alpha, 0f, 1f);
        CheckRange(nameof(GuidanceScale), GuidanceScale, 0f, MaxGuidanceScale);
        if (IdentityGuidanceScale is float g)
        {
            CheckRange(nameof(IdentityGuidanceScale), g, 0f, MaxGuidanceScale);
        }
    }

    internal static void CheckRange(string name, float value, float min, float max)
    {
        if (!(value >= min && value <= max))
        {
            throw new FaceStudioValidationException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min}, {max}] but is {value}."));
        }
    }
}
