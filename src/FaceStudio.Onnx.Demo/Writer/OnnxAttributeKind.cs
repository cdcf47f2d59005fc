namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>Kinds of node attributes (values are <c>AttributeProto.AttributeType</c> codes).</summary>
public enum OnnxAttributeKind
{
    /// <summary>One float.</summary>
    Float = 1,

    /// <summary>One int64.</summary>
    Int = 2,

    /// <summary>One string.</summary>
    String = 3,

    /// <summary>One tensor.</summary>
    Tensor = 4,

    /// <summary>A list of floats.</summary>
    Floats = 6,

    /// <summary>A list of int64.</summary>
    Ints = 7,
}
