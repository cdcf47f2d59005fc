using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Style;

/// <summary>
/// Style image to CLIP image embedding (<c>e_h</c> in the paper's hybrid guidance); CLIP vision in the ONNX backend.
/// Style has its own folder in the data flow (text, identity, style → guidance); the guidance projector takes the
/// style and identity signals together.
/// </summary>
public interface IStyleEncoder
{
    /// <summary>Length of one image embedding (the CLIP projection width, e.g. 768 or 1024).</summary>
    int EmbeddingSize { get; }

    /// <summary>Encodes images in one batched run; each is resized and centre-cropped the way CLIP was trained.</summary>
    /// <param name="images">Upright RGB images of any size.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    Task<StyleEncoding> EncodeAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default);
}
