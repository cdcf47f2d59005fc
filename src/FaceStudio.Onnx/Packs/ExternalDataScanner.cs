using Google.Protobuf;
using Fields = FaceStudio.Onnx.Contracts.OnnxProtoFields;

namespace FaceStudio.Onnx.Packs;

/// <summary>
/// Lists the external data files an ONNX model refers to, reading only the protobuf fields on the way
/// (<c>ModelProto.graph</c> → initializers, sparse initializers and, through node attributes, tensor attributes and
/// subgraph bodies → <c>TensorProto.external_data</c> "location"), skipping weights, so a pack can be checked
/// before any session is created.
/// </summary>
internal static class ExternalDataScanner
{
    // Subgraphs nest (If/Loop/Scan bodies); real models stay far below this.
    private const int MaxDepth = 64;

    public static IReadOnlyList<string> Locations(string modelPath)
    {
        var locations = new SortedSet<string>(StringComparer.Ordinal);
        using FileStream file = File.OpenRead(modelPath);
        var input = new CodedInputStream(file);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == Fields.Model.Graph && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                Nested(input, locations, 0, ScanGraph);
            }
            else
            {
                input.SkipLastField();
            }
        }

        return [.. locations];
    }

    private static void Nested(CodedInputStream input, SortedSet<string> locations, int depth, Action<CodedInputStream, long, SortedSet<string>, int> scan)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException($"The ONNX graph nests subgraphs more than {MaxDepth} levels deep.");
        }

        long end = EndOfNested(input);
        scan(input, end, locations, depth);
        CheckEnd(input, end);
    }

    private static void ScanGraph(CodedInputStream input, long end, SortedSet<string> locations, int depth)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
            {
                input.SkipLastField();
                continue;
            }

            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case Fields.Graph.Node:
                    Nested(input, locations, depth + 1, ScanNode);
                    break;
                case Fields.Graph.Initializer:
                    Nested(input, locations, depth + 1, ScanTensor);
                    break;
                case Fields.Graph.SparseInitializer:
                    Nested(input, locations, depth + 1, ScanSparseTensor);
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    // Subgraph bodies and tensor attributes may name external data too.
    private static void ScanNode(CodedInputStream input, long end, SortedSet<string> locations, int depth)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagFieldNumber(tag) == Fields.Node.Attribute && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                Nested(input, locations, depth + 1, ScanAttribute);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void ScanAttribute(CodedInputStream input, long end, SortedSet<string> locations, int depth)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
            {
                input.SkipLastField();
                continue;
            }

            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case Fields.Attribute.T or Fields.Attribute.Tensors:
                    Nested(input, locations, depth + 1, ScanTensor);
                    break;
                case Fields.Attribute.G or Fields.Attribute.Graphs:
                    Nested(input, locations, depth + 1, ScanGraph);
                    break;
                case Fields.Attribute.SparseTensor or Fields.Attribute.SparseTensors:
                    Nested(input, locations, depth + 1, ScanSparseTensor);
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
    }

    // SparseTensorProto: values and indices are both TensorProto.
    private static void ScanSparseTensor(CodedInputStream input, long end, SortedSet<string> locations, int depth)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagFieldNumber(tag) is Fields.SparseTensor.Values or Fields.SparseTensor.Indices && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                Nested(input, locations, depth + 1, ScanTensor);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void ScanTensor(CodedInputStream input, long end, SortedSet<string> locations, int depth)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagFieldNumber(tag) == Fields.Tensor.ExternalData && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                string? key = null, value = null;
                long entryEnd = EndOfNested(input);
                while (input.Position < entryEnd)
                {
                    uint entryTag = input.ReadTag();
                    switch (WireFormat.GetTagFieldNumber(entryTag))
                    {
                        case Fields.StringStringEntry.Key:
                            key = input.ReadString();
                            break;
                        case Fields.StringStringEntry.Value:
                            value = input.ReadString();
                            break;
                        default:
                            input.SkipLastField();
                            break;
                    }
                }

                CheckEnd(input, entryEnd);

                if (key == "location" && value is not null)
                {
                    locations.Add(value);
                }
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void CheckEnd(CodedInputStream input, long end)
    {
        if (input.Position != end)
        {
            throw new InvalidDataException("A nested ONNX message overruns its declared length.");
        }
    }

    private static long EndOfNested(CodedInputStream input)
    {
        int length = input.ReadLength();
        return input.Position + length;
    }
}
