using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Shape and contract options of a demo CLIP-style text encoder.</summary>
public sealed record TextEncoderSpec
{
    /// <summary>Rows of the token table; ids are taken modulo this (so CLIP ids up to 49407 work with a small table).</summary>
    public int VocabSize { get; init; } = 1024;

    /// <summary>Sequence length (77 for CLIP); fixed in the graph.</summary>
    public int MaxTokens { get; init; } = 77;

    /// <summary>Width of each token embedding (D).</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Element type of <c>input_ids</c>: <see cref="OnnxElementType.Int32"/> or <see cref="OnnxElementType.Int64"/>.</summary>
    public OnnxElementType InputIdsType { get; init; } = OnnxElementType.Int32;

    /// <summary>Precision of weights and float outputs.</summary>
    public TensorPrecision Precision { get; init; } = TensorPrecision.Float32;

    /// <summary>Whether the graph has <c>pooler_output</c>.</summary>
    public bool WithPooler { get; init; } = true;
}
