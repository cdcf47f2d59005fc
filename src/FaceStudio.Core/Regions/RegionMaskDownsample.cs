namespace FaceStudio.Core.Regions;

/// <summary>How region masks are brought from the latent size down to each coarser attention resolution.</summary>
public enum RegionMaskDownsample
{
    /// <summary>
    /// Exact area averaging (<see cref="AreaResampler"/>): each cell is the mean of the finer cells it covers, so a
    /// mask keeps its area and Σ_k m_k ≤ 1 holds at every level. What the SDK's own exported graphs use by default
    /// (<c>export_identity_unet.py --mask-downsample area</c>).
    /// </summary>
    Area = 0,

    /// <summary>
    /// diffusers' <c>IPAdapterMaskProcessor.downsample</c> (0.28.2): PyTorch bicubic interpolation (a = −0.75,
    /// <c>align_corners=False</c>) to the size diffusers derives from each layer's query count, flattened and padded
    /// or cut to that count (<see cref="BicubicMaskResampler"/>). Bicubic can overshoot slightly below 0 and above 1
    /// at edges. Use it with IP-Adapter(-FaceID) weights trained with diffusers' masks.
    /// </summary>
    Bicubic = 1,
}
