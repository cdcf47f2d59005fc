using System.Globalization;
using Google.Protobuf;

namespace FaceStudio.Onnx.Writer;

/// <summary>
/// Hand-written protobuf encoding of the ONNX messages the writer needs. Field numbers follow onnx.proto
/// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
/// TensorShapeProto, OperatorSetIdProto, StringStringEntryProto).
/// </summary>
internal static class OnnxProtoSerializer
{
    /// <summary>Where one initializer's bytes live when stored outside the model file.</summary>
    internal readonly record struct ExternalLocation(string Location, long Offset, long Length);

    public static void WriteModel(Stream stream, OnnxModelBuilder model, IReadOnlyDictionary<string, ExternalLocation> external)
    {
        var output = new CodedOutputStream(stream, leaveOpen: true);

        // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
        // doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14.
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt64(model.IrVersion);
        WriteString(output, 2, model.ProducerName);
        WriteString(output, 3, model.ProducerVersion);
        if (model.DocString.Length > 0)
        {
            WriteString(output, 6, model.DocString);
        }

        WriteMessage(output, 7, o => WriteGraph(o, model.Graph, external));
        WriteMessage(output, 8, o =>
        {
            // OperatorSetIdProto: domain = 1, version = 2.
            WriteString(o, 1, string.Empty);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt64(model.Opset);
        });
        foreach (KeyValuePair<string, string> entry in model.Metadata)
        {
            WriteMessage(output, 14, o => WriteEntry(o, entry.Key, entry.Value));
        }

        output.Flush();
    }

    private static void WriteGraph(CodedOutputStream output, GraphBuilder graph, IReadOnlyDictionary<string, ExternalLocation> external)
    {
        // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
        foreach (OnnxNode node in graph.Nodes)
        {
            WriteMessage(output, 1, o => WriteNode(o, node));
        }

        WriteString(output, 2, graph.Name);
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            external.TryGetValue(tensor.Name, out ExternalLocation location);
            bool isExternal = external.ContainsKey(tensor.Name);
            WriteMessage(output, 5, o => WriteTensor(o, tensor, isExternal ? location : null));
        }

        foreach (OnnxValueInfo input in graph.Inputs)
        {
            WriteMessage(output, 11, o => WriteValueInfo(o, input));
        }

        foreach (OnnxValueInfo value in graph.Outputs)
        {
            WriteMessage(output, 12, o => WriteValueInfo(o, value));
        }
    }

    private static void WriteNode(CodedOutputStream output, OnnxNode node)
    {
        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
        foreach (string input in node.Inputs)
        {
            WriteString(output, 1, input);
        }

        foreach (string value in node.Outputs)
        {
            WriteString(output, 2, value);
        }

        WriteString(output, 3, node.Name);
        WriteString(output, 4, node.OpType);
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            WriteMessage(output, 5, o => WriteAttribute(o, attribute));
        }

        if (node.Domain.Length > 0)
        {
            WriteString(output, 7, node.Domain);
        }
    }

    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        // AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20.
        WriteString(output, 1, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.FloatValue);
                break;
            case OnnxAttributeKind.Int:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(attribute.IntValue);
                break;
            case OnnxAttributeKind.String:
                output.WriteTag(4, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(attribute.StringValue!));
                break;
            case OnnxAttributeKind.Tensor:
                WriteMessage(output, 5, o => WriteTensor(o, attribute.TensorValue!, null));
                break;
            case OnnxAttributeKind.Floats:
                // Unpacked, as onnx.proto declares these repeated fields without [packed].
                foreach (float f in attribute.FloatValues)
                {
                    output.WriteTag(7, WireFormat.WireType.Fixed32);
                    output.WriteFloat(f);
                }

                break;
            case OnnxAttributeKind.Ints:
                foreach (long i in attribute.IntValues)
                {
                    output.WriteTag(8, WireFormat.WireType.Varint);
                    output.WriteInt64(i);
                }

                break;
            default:
                throw new InvalidOperationException($"Unsupported attribute kind {attribute.Kind}.");
        }

        output.WriteTag(20, WireFormat.WireType.Varint);
        output.WriteInt32((int)attribute.Kind);
    }

    private static void WriteTensor(CodedOutputStream output, OnnxTensor tensor, ExternalLocation? external)
    {
        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9, external_data = 13, data_location = 14.
        foreach (long d in tensor.Dims)
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(d);
        }

        output.WriteTag(2, WireFormat.WireType.Varint);
        output.WriteInt32((int)tensor.ElementType);
        WriteString(output, 8, tensor.Name);
        if (external is { } location)
        {
            WriteMessage(output, 13, o => WriteEntry(o, "location", location.Location));
            WriteMessage(output, 13, o => WriteEntry(o, "offset", location.Offset.ToString(CultureInfo.InvariantCulture)));
            WriteMessage(output, 13, o => WriteEntry(o, "length", location.Length.ToString(CultureInfo.InvariantCulture)));
            output.WriteTag(14, WireFormat.WireType.Varint);
            output.WriteInt32(1); // EXTERNAL
        }
        else
        {
            output.WriteTag(9, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(tensor.RawData));
        }
    }

    private static void WriteValueInfo(CodedOutputStream output, OnnxValueInfo value)
    {
        // ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1. TypeProto.Tensor: elem_type = 1,
        // shape = 2. TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2.
        WriteString(output, 1, value.Name);
        WriteMessage(output, 2, type => WriteMessage(type, 1, tensorType =>
        {
            tensorType.WriteTag(1, WireFormat.WireType.Varint);
            tensorType.WriteInt32((int)value.ElementType);
            WriteMessage(tensorType, 2, shape =>
            {
                foreach (OnnxDim dim in value.Shape)
                {
                    WriteMessage(shape, 1, d =>
                    {
                        if (dim.Param is { } param)
                        {
                            WriteString(d, 2, param);
                        }
                        else
                        {
                            d.WriteTag(1, WireFormat.WireType.Varint);
                            d.WriteInt64(dim.Value ?? 0);
                        }
                    });
                }
            });
        }));
    }

    private static void WriteEntry(CodedOutputStream output, string key, string value)
    {
        // StringStringEntryProto: key = 1, value = 2.
        WriteString(output, 1, key);
        WriteString(output, 2, value);
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
