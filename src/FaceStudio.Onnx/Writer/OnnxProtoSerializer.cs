using System.Globalization;
using FaceStudio.Onnx.Contracts;
using Google.Protobuf;
using Fields = FaceStudio.Onnx.Contracts.OnnxProtoFields;

namespace FaceStudio.Onnx.Writer;

/// <summary>
/// Hand-written protobuf encoding of the ONNX messages the writer needs. Field numbers come from
/// <see cref="OnnxProtoFields"/> (onnx.proto).
/// </summary>
internal static class OnnxProtoSerializer
{
    /// <summary>Where one initializer's bytes live when stored outside the model file.</summary>
    internal readonly record struct ExternalLocation(string Location, long Offset, long Length);

    public static void WriteModel(Stream stream, OnnxModelBuilder model, IReadOnlyDictionary<string, ExternalLocation> external)
    {
        var output = new CodedOutputStream(stream, leaveOpen: true);

        output.WriteTag(Fields.Model.IrVersion, WireFormat.WireType.Varint);
        output.WriteInt64(model.IrVersion);
        WriteString(output, Fields.Model.ProducerName, model.ProducerName);
        WriteString(output, Fields.Model.ProducerVersion, model.ProducerVersion);
        if (model.DocString.Length > 0)
        {
            WriteString(output, Fields.Model.DocString, model.DocString);
        }

        WriteMessage(output, Fields.Model.Graph, o => WriteGraph(o, model.Graph, external));
        WriteMessage(output, Fields.Model.OpsetImport, o =>
        {
            WriteString(o, Fields.OperatorSetId.Domain, string.Empty);
            o.WriteTag(Fields.OperatorSetId.Version, WireFormat.WireType.Varint);
            o.WriteInt64(model.Opset);
        });
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
        foreach (string input in node.Inputs)
        {
            WriteString(output, Fields.Node.Input, input);
        }

        foreach (string value in node.Outputs)
        {
            WriteString(output, Fields.Node.Output, value);
        }

        WriteString(output, Fields.Node.Name, node.Name);
        WriteString(output, Fields.Node.OpType, node.OpType);
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

    private static void WriteValueInfo(CodedOutputStream output, OnnxValueInfo value)
    {
        WriteString(output, Fields.ValueInfo.Name, value.Name);
        WriteMessage(output, Fields.ValueInfo.Type, type => WriteMessage(type, Fields.TypeProto.TensorType, tensorType =>
        {
            tensorType.WriteTag(Fields.TypeProto.TensorElemType, WireFormat.WireType.Varint);
            tensorType.WriteInt32((int)value.ElementType);
            WriteMessage(tensorType, Fields.TypeProto.TensorShape, shape =>
            {
                foreach (OnnxDim dim in value.Shape)
                {
                    WriteMessage(shape, Fields.TensorShape.Dim, d =>
                    {
                        if (dim.Param is { } param)
                        {
                            WriteString(d, Fields.TensorShape.DimParam, param);
                        }
                        else
                        {
                            d.WriteTag(Fields.TensorShape.DimValue, WireFormat.WireType.Varint);
                            d.WriteInt64(dim.Value ?? 0);
                        }
                    });
                }
            });
        }));
    }

    private static void WriteEntry(CodedOutputStream output, string key, string value)
    {
        WriteString(output, Fields.StringStringEntry.Key, key);
        WriteString(output, Fields.StringStringEntry.Value, value);
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    // Nested messages are length-prefixed, so each is encoded into its own buffer first; the models this
    // writer builds are small enough that the extra copy does not matter.
    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        var nested = new CodedOutputStream(buffer, leaveOpen: true);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length)));
    }
}
