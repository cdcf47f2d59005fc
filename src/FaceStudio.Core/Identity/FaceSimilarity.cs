using System.Numerics.Tensors;

namespace FaceStudio.Core.Identity;

/// <summary>A face found in a generated image and its cosine similarity to the identity.</summary>
/// <param name="Face">The detected face.</param>
/// <param name="Similarity">ArcFace cosine similarity in [−1, 1].</param>
public sealed record FaceSimilarity(DetectedFace Face, float Similarity);
