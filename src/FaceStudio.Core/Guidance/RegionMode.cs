namespace FaceStudio.Core.Guidance;

/// <summary>How regions reach the denoiser.</summary>
public enum RegionMode
{
    /// <summary>The denoiser takes identity_tokens/identity_masks/identity_scales and routes attention itself.</summary>
    Native,

    /// <summary>One pass per identity plus a text-only pass, blended per step with the masks.</summary>
    Composed,
}
