using System.Globalization;

namespace FaceStudio.Core.Guidance;

/// <summary>Which projector/denoiser pairing produces the identity tokens.</summary>
public enum GuidanceFlavor
{
    /// <summary>FaceStudio hybrid guidance: <c>e_g = α·W[e_h ‖ e_f] + (1 − α)·W[prior(e_T) ‖ e_f]</c>.</summary>
    FaceStudioHybrid,

    /// <summary>IP-Adapter-FaceID: the normalised ArcFace embedding projected to K (usually 4) tokens; α is not used.</summary>
    IpAdapterFaceId,
}
