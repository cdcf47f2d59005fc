namespace FaceStudio.Core.Denoising;

/// <summary>
/// The noise-prediction network (UNet). Conditioning is bound once per generation through
/// <see cref="CreateSession"/>; each step then runs one prediction for the whole batch
/// (classifier-free guidance: conditional and unconditional rows together).
/// </summary>
public interface IDenoiser
{
    /// <summary>What the model accepts; the pipeline chooses native or composed regions from it.</summary>
    DenoiserCapabilities Capabilities { get; }

    /// <summary>Binds conditioning for one generation.</summary>
    /// <param name="conditioning">Context tokens and, for identity-aware models, identity inputs. Batch B.</param>
    /// <param name="latentShape">Latent shape [B, C, h, w] every step will use.</param>
    IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape);
}
