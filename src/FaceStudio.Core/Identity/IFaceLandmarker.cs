using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>Refines detector candidates into dense landmarks (FaceMesh in the ONNX backend).</summary>
public interface IFaceLandmarker
{
    /// <summary>Landmarks each candidate in one batched run.</summary>
    /// <param name="image">The photo the candidates were found in.</param>
    /// <param name="candidates">The detector's candidates, in photo pixels.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per candidate, in the same order, whatever its confidence.</returns>
    Task<IReadOnlyList<FaceMeshLandmarks>> LandmarkAsync(RgbImage image, IReadOnlyList<FaceCandidate> candidates, CancellationToken cancellationToken = default);
}
