namespace FaceStudio.Onnx.Sessions;

/// <summary>Whether a loaded model stays in memory between the requests that use it.</summary>
public enum ComponentResidency
{
    /// <summary>Loaded with the pipeline and held until it is disposed: no load time per request.</summary>
    Keep,

    /// <summary>
    /// Released (weights, arena, pre-packed copies) as soon as no request uses it, and loaded again by the next request
    /// that needs it: lower resident memory between and during the other stages, at the cost of one load per use.
    /// </summary>
    ReleaseAfterUse,
}
