using Google.Protobuf;
using Fields = FaceStudio.Onnx.Contracts.OnnxProtoFields;

namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// The protobuf encoding primitives shared by the runtime's own tiny graphs (the CUDA copy graph) and the demo
/// package's ONNX writer: strings, length-prefixed nested messages, value infos, model headers. Field numbers come
/// from <see cref="OnnxProtoFields"/>.
/// </summary>
internal static class OnnxProtoWriter
{
    /// <summary>One dimension of a value info: a symbolic name, or a fixed size when <paramref name="Param"/> is null.</summary>
    internal readonly record struct Dim(string? Param, long Value);

    /// <summary>IR version written by the runtime's graphs (ONNX 1.14+).</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset written by the runtime's graphs.</summary>
    public const long Opset = 17;

    /// <summary>Writes ir_version, producer name and version.</summary>
    public static void WriteModelHeader(CodedOutputStream output, long irVersion, string producerName, string producerVersion)
    {
        output.WriteTag(Fields.Model.IrVersion, WireFormat.WireType.Varint);
        output.WriteInt64(irVersion);
        WriteString(output, Fields.Model.ProducerName, producerName);
        WriteString(output, Fields.Model.ProducerVersion, producerVersion);
    }

    /// <summary>Writes the default-domain opset import.</summary>
    public static void WriteOpset(CodedOutputStream output, long opset) =>
        WriteMessage(output, Fields.Model.OpsetImport, o =>
        {
            WriteString(o, Fields.OperatorSetId.Domain, string.Empty);
            o.WriteTag(Fields.OperatorSetId.Version, WireFormat.WireType.Varint);
            o.WriteInt64(opset);
        });

    /// <summary>Writes a NodeProto's inputs, outputs, name and op type (attributes and domain follow, by the caller).</summary>
    public static void WriteNodeHeader(CodedOutputStream output, IEnumerable<string> inputs, IEnumerable<string> outputs, string name, string opType)
    {
        foreach (string input in inputs)
        {
            WriteString(output, Fields.Node.Input, input);
        }

        foreach (string value in outputs)
        {
            WriteString(output, Fields.Node.Output, value);
        }

        WriteString(output, Fields.Node.Name, name);
        WriteString(output, Fields.Node.OpType, opType);
    }

    /// <summary>Writes a ValueInfoProto of a tensor: name, element type (onnx.proto's TensorProto.DataType) and shape.</summary>
    public static void WriteValueInfo(CodedOutputStream output, string name, int elementType, IEnumerable<Dim> shape)
    {
        WriteString(output, Fields.ValueInfo.Name, name);
        WriteMessage(output, Fields.ValueInfo.Type, type => WriteMessage(type, Fields.TypeProto.TensorType, tensorType =>
        {
            tensorType.WriteTag(Fields.TypeProto.TensorElemType, WireFormat.WireType.Varint);
            tensorType.WriteInt32(elementType);
            WriteMessage(tensorType, Fields.TypeProto.TensorShape, s =>
            {
                foreach (Dim dim in shape)
                {
                    WriteMessage(s, Fields.TensorShape.Dim, d =>
                    {
                        if (dim.Param is { } param)
                        {
                            WriteString(d, Fields.TensorShape.DimParam, param);
                        }
                        else
                        {
                            d.WriteTag(Fields.TensorShape.DimValue, WireFormat.WireType.Varint);
                            d.WriteInt64(dim.Value);
                        }
                    });
                }
            });
        }));
    }

    /// <summary>Writes a StringStringEntryProto's key and value.</summary>
    public static void WriteEntry(CodedOutputStream output, string key, string value)
    {
        WriteString(output, Fields.StringStringEntry.Key, key);
        WriteString(output, Fields.StringStringEntry.Value, value);
    }

    /// <summary>Writes a length-delimited UTF-8 string field.</summary>
    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    /// <summary>
    /// Writes a nested message. Nested messages are length-prefixed, so each is encoded into its own buffer first;
    /// the graphs written this way are small enough that the extra copy does not matter.
    /// </summary>
    public static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        var nested = new CodedOutputStream(buffer, leaveOpen: true);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length)));
    }
}
