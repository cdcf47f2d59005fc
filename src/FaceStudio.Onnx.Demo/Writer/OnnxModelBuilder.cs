namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>
/// An ONNX model around a <see cref="GraphBuilder"/>: IR version, opset and metadata; serialises to bytes or
/// to a file, optionally with external data.
/// </summary>
public sealed class OnnxModelBuilder
{
    /// <summary>ONNX IR version written by default (IR 8 pairs with opset 17; ONNX Runtime 1.31 reads it).</summary>
    public const long DefaultIrVersion = 8;

    /// <summary>Default ONNX domain opset.</summary>
    public const long DefaultOpset = 17;

    /// <summary>Wraps <paramref name="graph"/>.</summary>
    public OnnxModelBuilder(GraphBuilder graph) => Graph = graph ?? throw new ArgumentNullException(nameof(graph));

    /// <summary>The graph.</summary>
    public GraphBuilder Graph { get; }

    /// <summary>IR version (<c>ModelProto.ir_version</c>).</summary>
    public long IrVersion { get; init; } = DefaultIrVersion;

    /// <summary>Opset of the default ONNX domain.</summary>
    public long Opset { get; init; } = DefaultOpset;

    /// <summary>Producer name.</summary>
    public string ProducerName { get; init; } = "FaceStudio.Onnx.Demo.Writer";

    /// <summary>Producer version.</summary>
    public string ProducerVersion { get; init; } = "1";

    /// <summary>Model documentation string.</summary>
    public string DocString { get; init; } = string.Empty;

    /// <summary>Model metadata (<c>metadata_props</c>), written in key order.</summary>
    public SortedDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The whole model, every initializer inline.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        OnnxProtoSerializer.WriteModel(stream, this, new Dictionary<string, OnnxProtoSerializer.ExternalLocation>());
        return stream.ToArray();
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/>; with <paramref name="external"/>, initializers at or above
    /// its threshold go to a data file beside it (location relative to the model's folder, offset, length).
    /// </summary>
    /// <returns>The files written (model first).</returns>
    public IReadOnlyList<string> Save(string path, ExternalDataOptions? external = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var locations = new Dictionary<string, OnnxProtoSerializer.ExternalLocation>(StringComparer.Ordinal);
        var written = new List<string> { fullPath };
        if (external is not null)
        {
            external.Validate();
            string dataName = external.FileName ?? Path.GetFileName(fullPath) + "_data";
            string dataPath = Path.Combine(directory, dataName);
            using (var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                foreach (OnnxTensor tensor in Graph.Initializers)
                {
                    if (tensor.RawData.Length < external.SizeThreshold || tensor.RawData.Length == 0 || Graph.IsKeptInline(tensor.Name))
                    {
                        continue;
                    }

                    long offset = (data.Position + external.Alignment - 1) / external.Alignment * external.Alignment;
                    if (offset > data.Position)
                    {
                        data.Write(new byte[offset - data.Position]);
                    }

                    data.Write(tensor.RawData.Span);
                    locations[tensor.Name] = new OnnxProtoSerializer.ExternalLocation(dataName, offset, tensor.RawData.Length);
                }
            }

            written.Add(dataPath);
        }

        using (var stream = new FileStream(fullPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            OnnxProtoSerializer.WriteModel(stream, this, locations);
        }

        return written;
    }
}
