namespace FaceStudio.Onnx.Sessions;

/// <summary>Graph optimisation level applied when a session loads.</summary>
public enum GraphOptimization
{
    /// <summary>No optimisation.</summary>
    Disabled,

    /// <summary>Constant folding and redundant-node removal.</summary>
    Basic,

    /// <summary>Basic plus node fusions.</summary>
    Extended,

    /// <summary>Everything, layout optimisations included.</summary>
    All,
}
