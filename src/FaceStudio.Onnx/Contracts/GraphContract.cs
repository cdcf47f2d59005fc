using System.Globalization;
using FaceStudio.Core.Errors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// A loaded graph's declared inputs and outputs, with helpers that check them against a component's contract
/// and raise <see cref="ModelContractException"/> listing what was expected and what the graph declares.
/// </summary>
public sealed class GraphContract
{
    private readonly IReadOnlyDictionary<string, NodeMetadata> _inputs;
    private readonly IReadOnlyDictionary<string, NodeMetadata> _outputs;

    /// <summary>Reads the declarations of <paramref name="session"/>.</summary>
    /// <param name="session">The loaded model.</param>
    /// <param name="component">Component name for messages (e.g. "UNet").</param>
    /// <param name="source">Where the model came from (file path), for messages.</param>
    public GraphContract(InferenceSession session, string component, string? source)
    {
        ArgumentNullException.ThrowIfNull(session);
        _inputs = session.InputMetadata;
        _outputs = session.OutputMetadata;
        Component = component;
        Source = source ?? "(in-memory model)";
    }

    /// <summary>Component name used in messages.</summary>
    public string Component { get; }

    /// <summary>The model's origin used in messages.</summary>
    public string Source { get; }

    /// <summary>Declared input names.</summary>
    public IEnumerable<string> InputNames => _inputs.Keys;

    /// <summary>Declared output names.</summary>
    public IEnumerable<string> OutputNames => _outputs.Keys;

    /// <summary>Whether the graph declares an input called <paramref name="name"/>.</summary>
    public bool HasInput(string name) => _inputs.ContainsKey(name);

    /// <summary>Whether the graph declares an output called <paramref name="name"/>.</summary>
    public bool HasOutput(string name) => _outputs.ContainsKey(name);

    /// <summary>Declared input <paramref name="name"/>, or null.</summary>
    public NodeMetadata? Input(string name) => _inputs.TryGetValue(name, out NodeMetadata? m) ? m : null;

    /// <summary>Declared output <paramref name="name"/>, or null.</summary>
    public NodeMetadata? Output(string name) => _outputs.TryGetValue(name, out NodeMetadata? m) ? m : null;

    /// <summary>
    /// Returns input <paramref name="name"/> after checking its element type and rank; otherwise throws with
    /// <paramref name="expected"/> and the graph's full declaration.
    /// </summary>
    public NodeMetadata RequireInput(string name, string expected, IReadOnlyCollection<TensorElementType> types, params int[] ranks) =>
        Require(_inputs, "input", name, expected, types, ranks);

    /// <summary>Same as <see cref="RequireInput"/> for an output.</summary>
    public NodeMetadata RequireOutput(string name, string expected, IReadOnlyCollection<TensorElementType> types, params int[] ranks) =>
        Require(_outputs, "output", name, expected, types, ranks);

    /// <summary>A contract error: what was expected, and every declared input and output.</summary>
    public ModelContractException Mismatch(string problem, string expected) =>
        new($"{Component} model {Source} does not match its contract: {problem}. Expected {expected}. Found {Describe()}.");

    /// <summary>All declared inputs and outputs as text, e.g. <c>inputs: sample float32 [batch, 4, h, w]; outputs: ...</c>.</summary>
    public string Describe() => $"inputs: {DescribeInputs()}; outputs: {DescribeOutputs()}";

    /// <summary>The declared inputs as text, <c>(none)</c> when there are none.</summary>
    internal string DescribeInputs() => DescribeAll(_inputs);

    /// <summary>The declared outputs as text, <c>(none)</c> when there are none.</summary>
    internal string DescribeOutputs() => DescribeAll(_outputs);

    /// <summary>One declaration as text: <c>name type [d0, d1, ...]</c>.</summary>
    public static string Describe(string name, NodeMetadata m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return $"{name} {TypeName(m.ElementDataType)} [{string.Join(", ", m.Dimensions.Select((d, i) => DimName(m, i, d)))}]";
    }

    /// <summary>Lower-case ONNX name of an element type (<c>float32</c>, <c>float16</c>, <c>int64</c>, ...).</summary>
    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The fixed size of dimension <paramref name="axis"/>, or null when dynamic.</summary>
    public static int? FixedDim(NodeMetadata m, int axis)
    {
        ArgumentNullException.ThrowIfNull(m);
        int d = m.Dimensions[axis];
        return d > 0 ? d : null;
    }

    private NodeMetadata Require(IReadOnlyDictionary<string, NodeMetadata> all, string kind, string name, string expected, IReadOnlyCollection<TensorElementType> types, int[] ranks)
    {
        if (!all.TryGetValue(name, out NodeMetadata? m))
        {
            throw Mismatch($"no {kind} named '{name}'", expected);
        }

        if (!m.IsTensor || !types.Contains(m.ElementDataType))
        {
            throw Mismatch($"{kind} '{name}' has element type {(m.IsTensor ? TypeName(m.ElementDataType) : m.OnnxValueType.ToString())}", expected);
        }

        if (ranks.Length > 0 && !ranks.Contains(m.Dimensions.Length))
        {
            throw Mismatch($"{kind} '{name}' has rank {m.Dimensions.Length}", expected);
        }

        return m;
    }

    private static string DescribeAll(IReadOnlyDictionary<string, NodeMetadata> all) =>
        all.Count == 0 ? "(none)" : string.Join(", ", all.Select(kv => kv.Value.IsTensor ? Describe(kv.Key, kv.Value) : $"{kv.Key} {kv.Value.OnnxValueType}"));

    private static string DimName(NodeMetadata m, int axis, int d)
    {
        if (d > 0)
        {
            return d.ToString(CultureInfo.InvariantCulture);
        }

        string? symbol = m.SymbolicDimensions.Length > axis ? m.SymbolicDimensions[axis] : null;
        return string.IsNullOrEmpty(symbol) ? "?" : symbol;
    }
}
