using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>Finds faces and their five landmarks in a photo (SCRFD in the ONNX backend).</summary>
public interface IFaceDetector
{
    /// <summary>
    /// Detects the faces in <paramref name="image"/>, most confident first, boxes and landmarks in the image's pixel coordinates.
    /// </summary>
    /// <param name="image">An upright RGB photo.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The faces above the detector's score threshold after non-maximum suppression; empty when there are none.</returns>
    Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbImage image, CancellationToken cancellationToken = default);
}
