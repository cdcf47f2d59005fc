namespace FaceStudio.Onnx.Denoising;

/// <summary>Where the denoiser keeps its bound tensors between steps.</summary>
public enum DenoiserBufferLocation
{
    /// <summary>Pinned host buffers bound once (CPU provider, or any provider with host copies per run).</summary>
    Host,

    /// <summary>CUDA device buffers bound once; conditioning copied once per generation.</summary>
    Cuda,
}
