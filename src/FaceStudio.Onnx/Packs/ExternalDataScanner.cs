using Google.Protobuf;

namespace FaceStudio.Onnx.Packs;

/// <summary>
/// Lists the external data files an ONNX model refers to, reading only the protobuf fields on the way
/// (<c>ModelProto.graph</c> → <c>GraphProto.initializer</c> → <c>TensorProto.external_data</c> "location"),
/// skipping weights, so a pack can be checked before any session is created.
/// </summary>
internal static class ExternalDataScanner
{
    public static IReadOnlyList<string> Locations(string modelPath)
    {
        var locations = new SortedSet<string>(StringComparer.Ordinal);
        using FileStream file = File.OpenRead(modelPath);
        var input = new CodedInputStream(file);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 7 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                long graphEnd = EndOfNested(input);
                ScanGraph(input, graphEnd, locations);
                CheckEnd(input, graphEnd);
            }
            else
            {
                input.SkipLastField();
            }
        }

        return [.. locations];
    }

    private static void ScanGraph(CodedInputStream input, long end, SortedSet<string> locations)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagFieldNumber(tag) == 5 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                long tensorEnd = EndOfNested(input);
                ScanTensor(input, tensorEnd, locations);
                CheckEnd(input, tensorEnd);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static void ScanTensor(CodedInputStream input, long end, SortedSet<string> locations)
    {
        while (input.Position < end)
        {
            uint tag = input.ReadTag();
            if (WireFormat.GetTagFieldNumber(tag) == 13 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                string? key = null, value = null;
                long entryEnd = EndOfNested(input);
                while (input.Position < entryEnd)
                {
                    uint entryTag = input.ReadTag();
                    switch (WireFormat.GetTagFieldNumber(entryTag))
                    {
                        case 1:
                            key = input.ReadString();
                            break;
                        case 2:
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
