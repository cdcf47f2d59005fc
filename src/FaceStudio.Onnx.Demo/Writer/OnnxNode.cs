namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>One operator application (<c>NodeProto</c>).</summary>
/// <param name="OpType">Operator name, e.g. <c>Conv</c>.</param>
/// <param name="Inputs">Input value names; an empty string marks an omitted optional input.</param>
/// <param name="Outputs">Output value names.</param>
/// <param name="Name">Node name (unique in the graph).</param>
/// <param name="Attributes">Attributes.</param>
/// <param name="Domain">Operator domain; empty for the default ONNX domain.</param>
public sealed record OnnxNode(
    string OpType,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string Name,
    IReadOnlyList<OnnxAttribute> Attributes,
    string Domain = "");
