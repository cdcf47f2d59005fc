using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Identity;

/// <summary>Turns aligned face crops into identity embeddings (ArcFace in the ONNX backend).</summary>
public interface IFaceEmbedder
{
    /// <summary>Side of the square aligned crop the model takes (112 for ArcFace).</summary>
    int InputSize { get; }

    /// <summary>Length of one embedding (512 for ArcFace).</summary>
    int Dimension { get; }

    /// <summary>Embeds aligned crops in one batched run.</summary>
    /// <param name="alignedFaces">Crops of <see cref="InputSize"/> × <see cref="InputSize"/>, aligned with <see cref="FaceAlignment"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>[N, <see cref="Dimension"/>], each row L2-normalised.</returns>
    Task<FloatTensor> EmbedAsync(IReadOnlyList<RgbImage> alignedFaces, CancellationToken cancellationToken = default);
}
