using System.Numerics;

namespace FaceStudio.Core.Identity;

/// <summary>A face with its dense landmarks: the five alignment points in <see cref="Face"/>, all 468 in <see cref="Mesh"/>.</summary>
/// <param name="Face">Box and score from the detector, five landmarks from the mesh.</param>
/// <param name="Mesh">468 points (x, y in photo pixels, z relative depth on the same scale), MediaPipe's FaceMesh order.</param>
/// <param name="Confidence">The landmark model's probability that the crop holds a face.</param>
public sealed record FaceMeshLandmarks(DetectedFace Face, IReadOnlyList<Vector3> Mesh, float Confidence);
