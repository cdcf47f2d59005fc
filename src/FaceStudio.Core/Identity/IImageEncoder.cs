using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Identity;

/// <summary>
/// Style image to CLIP image embedding (<c>e_h</c> in the paper's hybrid guidance); CLIP vision in the ONNX backend.
/// It lives beside the identity encoders because the guidance projector takes both signals together.
/// </summary>
public interface IImageEncoder
{
    /// <summary>Length of one image embedding (the CLIP projection width, e.g. 768 or 1024).</summary>
    int EmbeddingSize { get; }

    /// <summary>Encodes images in one batched run; each is resized and centre-cropped the way CLIP was trained.</summary>
    /// <param name="images">Upright RGB images of any size.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    Task<ImageEncoding> EncodeAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default);
}
