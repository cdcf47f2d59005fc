using FaceStudio.Core.Text;
using FaceStudio.Onnx.Denoising;
using FaceStudio.Onnx.Latents;
using FaceStudio.Onnx.Sessions;
using FaceStudio.Onnx.Text;

namespace FaceStudio.Onnx.Packs;

/// <summary>Creates the diffusion backends of a <see cref="ModelPack"/>, each with its component's session options.</summary>
/// <param name="options">Session options per component; null for CPU defaults.</param>
/// <param name="factory">Session factory; null for a new <see cref="SessionFactory"/>.</param>
public sealed class ModelPackLoader(PipelineSessionOptions? options = null, ISessionFactory? factory = null)
{
    private readonly PipelineSessionOptions _options = options ?? new PipelineSessionOptions();
    private readonly ISessionFactory _factory = factory ?? new SessionFactory();

    /// <summary>The text encoder, using <paramref name="tokenizer"/> (built from the pack's tokenizer files by the caller).</summary>
    public OnnxTextEncoder LoadTextEncoder(ModelPack pack, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return OnnxTextEncoder.Load(pack.TextEncoderPath, tokenizer, _options.For(ModelComponent.TextEncoder), _factory);
    }

    /// <summary>The UNet denoiser, reporting the pack's declared mask rule (<see cref="ModelPack.MaskDownsample"/>).</summary>
    public OnnxDenoiser LoadDenoiser(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return OnnxDenoiser.Load(pack.UNetPath, _options.For(ModelComponent.Denoiser), _factory, pack.MaskDownsample);
    }

    /// <summary>The VAE decoder, with the pack's scaling factor.</summary>
    public OnnxLatentDecoder LoadVaeDecoder(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return OnnxLatentDecoder.Load(pack.VaeDecoderPath, pack.Vae, _options.For(ModelComponent.VaeDecoder), _factory);
    }

    /// <summary>The VAE encoder, or null when the pack has none.</summary>
    public OnnxLatentEncoder? LoadVaeEncoder(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return pack.VaeEncoderPath is { } path ? OnnxLatentEncoder.Load(path, pack.Vae, _options.For(ModelComponent.VaeEncoder), _factory) : null;
    }
}
