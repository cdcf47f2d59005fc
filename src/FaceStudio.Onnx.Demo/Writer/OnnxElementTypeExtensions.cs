namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>Sizes of <see cref="OnnxElementType"/> values.</summary>
public static class OnnxElementTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ByteSize(this OnnxElementType type) => type switch
    {
        OnnxElementType.Float => 4,
        OnnxElementType.UInt8 => 1,
        OnnxElementType.Int32 => 4,
        OnnxElementType.Int64 => 8,
        OnnxElementType.Bool => 1,
        OnnxElementType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported ONNX element type."),
    };
}
