using System.Globalization;
using FaceStudio.Onnx.Contracts;
using Google.Protobuf;
using static FaceStudio.Onnx.Contracts.OnnxProtoWriter;
using Fields = FaceStudio.Onnx.Contracts.OnnxProtoFields;

namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>
/// Hand-written protobuf encoding of the ONNX messages the writer needs. Field numbers come from
/// <see cref="OnnxProtoFields"/> (onnx.proto); the encoding primitives are <see cref="OnnxProtoWriter"/>'s.
/// </summary>
internal static class OnnxProtoSerializer
{
    /// <summary>Where one initializer's bytes live when stored outside the model file.</summary>
    internal readonly record struct ExternalLocation(string Location, long Offset, long Length);

    public static void WriteModel(Stream stream, OnnxModelBuilder model, IReadOnlyDictionary<string, ExternalLocation> external)
    {
        var output = new CodedOutputStream(stream, leaveOpen: true);

        OnnxProtoWriter.WriteModelHeader(output, model.IrVersion, model.ProducerName, model.ProducerVersion);
        if (model.DocString.Length > 0)
        {
            WriteString(output, Fields.Model.DocString, model.DocString);
        }

        WriteMessage(output, Fields.Model.Graph, o => WriteGraph(o, model.Graph, external));
        OnnxProtoWriter.WriteOpset(output, model.Opset);
        foreach (KeyValuePair<string, string> entry in model.Metadata)
        {
            WriteMessage(output, Fields.Model.MetadataProps, o => WriteEntry(o, entry.Key, entry.Value));
        }

        output.Flush();
    }

    private static void WriteGraph(CodedOutputStream output, GraphBuilder graph, IReadOnlyDictionary<string, ExternalLocation> external)
    {
        foreach (OnnxNode node in graph.Nodes)
        {
            WriteMessage(output, Fields.Graph.Node, o => WriteNode(o, node));
        }

        WriteString(output, Fields.Graph.Name, graph.Name);
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            external.TryGetValue(tensor.Name, out ExternalLocation location);
            bool isExternal = external.ContainsKey(tensor.Name);
            WriteMessage(output, Fields.Graph.Initializer, o => WriteTensor(o, tensor, isExternal ? location : null));
        }

        foreach (OnnxValueInfo input in graph.Inputs)
        {
            WriteMessage(output, Fields.Graph.Input, o => WriteValueInfo(o, input));
        }

        foreach (OnnxValueInfo value in graph.Outputs)
        {
            WriteMessage(output, Fields.Graph.Output, o => WriteValueInfo(o, value));
        }
    }

    private static void WriteNode(CodedOutputStream output, OnnxNode node)
    {
        OnnxProtoWriter.WriteNodeHeader(output, node.Inputs, node.Outputs, node.Name, node.OpType);
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            WriteMessage(output, Fields.Node.Attribute, o => WriteAttribute(o, attribute));
        }

        if (node.Domain.Length > 0)
        {
            WriteString(output, Fields.Node.Domain, node.Domain);
        }
    }

    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, Fields.Attribute.Name, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                output.WriteTag(Fields.Attribute.F, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.FloatValue);
                break;
            case OnnxAttributeKind.Int:
                output.WriteTag(Fields.Attribute.I, WireFormat.WireType.Varint);
                output.WriteInt64(attribute.IntValue);
                break;
            case OnnxAttributeKind.String:
                output.WriteTag(Fields.Attribute.S, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(attribute.StringValue!));
                break;
            case OnnxAttributeKind.Tensor:
                WriteMessage(output, Fields.Attribute.T, o => WriteTensor(o, attribute.TensorValue!, null));
                break;
            case OnnxAttributeKind.Floats:
                // Unpacked, as onnx.proto declares these repeated fields without [packed].
                foreach (float f in attribute.FloatValues)
                {
                    output.WriteTag(Fields.Attribute.Floats, WireFormat.WireType.Fixed32);
                    output.WriteFloat(f);
                }

                break;
            case OnnxAttributeKind.Ints:
                foreach (long i in attribute.IntValues)
                {
                    output.WriteTag(Fields.Attribute.Ints, WireFormat.WireType.Varint);
                    output.WriteInt64(i);
                }

                break;
            default:
                throw new InvalidOperationException($"Unsupported attribute kind {attribute.Kind}.");
        }

        output.WriteTag(Fields.Attribute.Type, WireFormat.WireType.Varint);
        output.WriteInt32((int)attribute.Kind);
    }

    private static void WriteTensor(CodedOutputStream output, OnnxTensor tensor, ExternalLocation? external)
    {
        foreach (long d in tensor.Dims)
        {
            output.WriteTag(Fields.Tensor.Dims, WireFormat.WireType.Varint);
            output.WriteInt64(d);
        }

        output.WriteTag(Fields.Tensor.DataType, WireFormat.WireType.Varint);
        output.WriteInt32((int)tensor.ElementType);
        WriteString(output, Fields.Tensor.Name, tensor.Name);
        if (external is { } location)
        {
            WriteMessage(output, Fields.Tensor.ExternalData, o => WriteEntry(o, "location", location.Location));
            WriteMessage(output, Fields.Tensor.ExternalData, o => WriteEntry(o, "offset", location.Offset.ToString(CultureInfo.InvariantCulture)));
            WriteMessage(output, Fields.Tensor.ExternalData, o => WriteEntry(o, "length", location.Length.ToString(CultureInfo.InvariantCulture)));
            output.WriteTag(Fields.Tensor.DataLocation, WireFormat.WireType.Varint);
            output.WriteInt32(Fields.Tensor.DataLocationExternal);
        }
        else
        {
            output.WriteTag(Fields.Tensor.RawData, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(tensor.RawData));
        }
    }

    private static void WriteValueInfo(CodedOutputStream output, OnnxValueInfo value) =>
        OnnxProtoWriter.WriteValueInfo(output, value.Name, (int)value.ElementType, value.Shape.Select(d => new OnnxProtoWriter.Dim(d.Param, d.Value ?? 0)));
}
