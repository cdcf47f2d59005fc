namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>A declared graph input or output (<c>ValueInfoProto</c> with a tensor type).</summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Shape">Dimensions; an empty list declares a scalar.</param>
public sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<OnnxDim> Shape);
