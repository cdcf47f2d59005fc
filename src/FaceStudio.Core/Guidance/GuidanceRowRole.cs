namespace FaceStudio.Core.Guidance;

/// <summary>What one batch row of the guided prediction holds.</summary>
public enum GuidanceRowRole
{
    /// <summary>Empty/negative prompt, identities zeroed (<c>ε_u</c>).</summary>
    Unconditional,

    /// <summary>Prompt, identities zeroed (<c>ε_t</c>): the text-only pass of the composed path, and the middle row of separate identity guidance.</summary>
    TextOnly,

    /// <summary>Prompt and every identity through native regions (<c>ε_c</c>).</summary>
    Conditional,

    /// <summary>Prompt and one identity's tokens (composed path, <c>ε_k</c>).</summary>
    Identity,
}
