namespace FaceStudio.Onnx.Demo;

/// <summary>Which face models a <see cref="DemoPack"/> carries.</summary>
public enum DemoFaceModels
{
    /// <summary>
    /// The real models shipped in FaceStudio.Models.Faces (the default): BlazeFace detects, FaceMesh supplies the five
    /// alignment points, MobileFace embeds (256-d); the demo projector takes 256-d face embeddings.
    /// </summary>
    Shipped = 0,

    /// <summary>
    /// Random-weight SCRFD and ArcFace graphs (the contracts of InsightFace's <c>det_10g</c> and <c>w600k_r50</c>,
    /// 512-d): they "find" faces anywhere and their embeddings mean nothing. For tests of the SCRFD/ArcFace path and of
    /// pipeline mechanics that need faces on any picture.
    /// </summary>
    Random = 1,
}
