namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>ONNX tensor element types the writer supports (values are <c>TensorProto.DataType</c> codes).</summary>
public enum OnnxElementType
{
    /// <summary>32-bit IEEE float (<c>FLOAT</c> = 1).</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer (<c>UINT8</c> = 2).</summary>
    UInt8 = 2,

    /// <summary>Signed 32-bit integer (<c>INT32</c> = 6).</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer (<c>INT64</c> = 7).</summary>
    Int64 = 7,

    /// <summary>Boolean (<c>BOOL</c> = 9).</summary>
    Bool = 9,

    /// <summary>16-bit IEEE float (<c>FLOAT16</c> = 10).</summary>
    Float16 = 10,
}
