using System.Globalization;

namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>
/// Builds an ONNX graph: declared inputs and outputs, initializers and nodes. Op helpers return the name of
/// the value they produce, so graphs read like expressions. Not thread-safe.
/// </summary>
public sealed class GraphBuilder
{
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inline = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>Creates an empty graph called <paramref name="name"/>.</summary>
    public GraphBuilder(string name = "graph")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Graph name.</summary>
    public string Name { get; }

    /// <summary>Declared inputs, in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs => _inputs;

    /// <summary>Declared outputs, in order.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs => _outputs;

    /// <summary>Initializers, in order.</summary>
    public IReadOnlyList<OnnxTensor> Initializers => _initializers;

    /// <summary>Nodes, in topological order (the order they were added).</summary>
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        Claim(name);
        _inputs.Add(new OnnxValueInfo(name, type, (OnnxDim[])shape.Clone()));
        return name;
    }

    /// <summary>
    /// Declares a graph output named <paramref name="name"/> carrying <paramref name="source"/>'s value
    /// (adds an <c>Identity</c> node when the names differ).
    /// </summary>
    public string Output(string name, string source, OnnxElementType type, params OnnxDim[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (!string.Equals(name, source, StringComparison.Ordinal))
        {
            Node("Identity", [source], [name], []);
        }

        _outputs.Add(new OnnxValueInfo(name, type, (OnnxDim[])shape.Clone()));
        return name;
    }

    /// <summary>Adds an initializer and returns its name.</summary>
    /// <param name="tensor">The constant.</param>
    /// <param name="keepInline">
    /// Never move it to external data: shape inference reads such constants while loading (Resize scales,
    /// Reshape shapes), and ONNX Runtime cannot read those from external files. Integer tensors always stay inline.
    /// </param>
    public string Initializer(OnnxTensor tensor, bool keepInline = false)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Claim(tensor.Name);
        _initializers.Add(tensor);
        if (keepInline || tensor.ElementType is OnnxElementType.Int64 or OnnxElementType.Int32)
        {
            _inline.Add(tensor.Name);
        }

        return tensor.Name;
    }

    /// <summary>Whether initializer <paramref name="name"/> must stay inside the model file.</summary>
    public bool IsKeptInline(string name) => _inline.Contains(name);

    /// <summary>Adds a float initializer stored as <paramref name="storeAs"/> and returns its name.</summary>
    public string Initializer(string name, long[] dims, float[] values, OnnxElementType storeAs = OnnxElementType.Float) =>
        Initializer(OnnxTensor.FromFloats(name, dims, values, storeAs));

    /// <summary>
    /// Adds a float weight stored as <paramref name="storeAs"/> and returns a float32 value of it
    /// (a <c>Cast</c> follows fp16 storage, so the arithmetic stays in float32 on every provider).
    /// </summary>
    public string FloatWeight(string name, long[] dims, float[] values, OnnxElementType storeAs = OnnxElementType.Float)
    {
        string stored = Initializer(name, dims, values, storeAs);
        return storeAs == OnnxElementType.Float ? stored : Cast(stored, OnnxElementType.Float);
    }

    /// <summary>Adds an int64 constant initializer and returns its name.</summary>
    public string Int64Constant(long[] dims, params long[] values) => Initializer(OnnxTensor.FromInt64(UniqueName("const_i64"), dims, values));

    /// <summary>Adds an int64 vector constant and returns its name.</summary>
    public string Int64Vector(params long[] values) => Int64Constant([values.Length], values);

    /// <summary>Adds a float scalar constant and returns its name.</summary>
    public string FloatScalar(float value) => Initializer(OnnxTensor.FromFloats(UniqueName("const_f32"), [], [value]), keepInline: true);

    /// <summary>Adds a node with explicit output names.</summary>
    public void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, IReadOnlyList<OnnxAttribute> attributes, string domain = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (string output in outputs)
        {
            Claim(output);
        }

        _nodes.Add(new OnnxNode(opType, inputs.ToArray(), outputs.ToArray(), UniqueName(opType.ToLowerInvariant() + "_node"), attributes.ToArray(), domain));
    }

    /// <summary>Adds a single-output node and returns its (generated) output name.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        string output = UniqueName(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary><c>Add</c> (broadcasting).</summary>
    public string Add(string a, string b) => Op("Add", [a, b]);

    /// <summary><c>Sub</c> (broadcasting).</summary>
    public string Sub(string a, string b) => Op("Sub", [a, b]);

    /// <summary><c>Mul</c> (broadcasting).</summary>
    public string Mul(string a, string b) => Op("Mul", [a, b]);

    /// <summary><c>Div</c> (broadcasting).</summary>
    public string Div(string a, string b) => Op("Div", [a, b]);

    /// <summary><c>MatMul</c>.</summary>
    public string MatMul(string a, string b) => Op("MatMul", [a, b]);

    /// <summary><c>Tanh</c>.</summary>
    public string Tanh(string x) => Op("Tanh", [x]);

    /// <summary><c>Sigmoid</c>.</summary>
    public string Sigmoid(string x) => Op("Sigmoid", [x]);

    /// <summary><c>Relu</c>.</summary>
    public string Relu(string x) => Op("Relu", [x]);

    /// <summary><c>Exp</c>.</summary>
    public string Exp(string x) => Op("Exp", [x]);

    /// <summary><c>Cos</c>.</summary>
    public string Cos(string x) => Op("Cos", [x]);

    /// <summary><c>Cast</c> to <paramref name="to"/>.</summary>
    public string Cast(string x, OnnxElementType to) => Op("Cast", [x], OnnxAttribute.Int("to", (long)to));

    /// <summary><c>Reshape</c> to a constant shape (0 copies the input dimension, -1 infers one).</summary>
    public string Reshape(string x, params long[] shape) => Op("Reshape", [x, Int64Vector(shape)]);

    /// <summary><c>Reshape</c> to the shape held in the value <paramref name="shape"/>.</summary>
    public string ReshapeTo(string x, string shape) => Op("Reshape", [x, shape]);

    /// <summary><c>Shape</c>.</summary>
    public string Shape(string x) => Op("Shape", [x]);

    /// <summary><c>Transpose</c> with a permutation.</summary>
    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], OnnxAttribute.Ints("perm", perm));

    /// <summary><c>Unsqueeze</c> at constant axes (opset 13+ form: axes as an input).</summary>
    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", [x, Int64Vector(axes)]);

    /// <summary><c>ReduceMean</c> over <paramref name="axes"/> (opset 13–17 form: axes as an attribute).</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims) =>
        Op("ReduceMean", [x], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary><c>Gather</c> along <paramref name="axis"/>.</summary>
    public string Gather(string data, string indices, long axis = 0) => Op("Gather", [data, indices], OnnxAttribute.Int("axis", axis));

    /// <summary>2-D <c>Conv</c> with square kernel, stride and padding; <paramref name="bias"/> optional.</summary>
    public string Conv(string x, string weight, string? bias, int kernel, int stride = 1, int pad = 0) =>
        Op("Conv", bias is null ? [x, weight] : [x, weight, bias],
            OnnxAttribute.Ints("kernel_shape", kernel, kernel),
            OnnxAttribute.Ints("strides", stride, stride),
            OnnxAttribute.Ints("pads", pad, pad, pad, pad));

    /// <summary><c>Softmax</c> along <paramref name="axis"/>.</summary>
    public string Softmax(string x, long axis = -1) => Op("Softmax", [x], OnnxAttribute.Int("axis", axis));

    /// <summary><c>Concat</c> along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] inputs) => Op("Concat", inputs, OnnxAttribute.Int("axis", axis));

    /// <summary><c>Sqrt</c>.</summary>
    public string Sqrt(string x) => Op("Sqrt", [x]);

    /// <summary><c>ReduceSum</c> over constant <paramref name="axes"/> (opset 13+ form: axes as an input).</summary>
    public string ReduceSum(string x, long[] axes, bool keepDims) =>
        Op("ReduceSum", [x, Int64Vector(axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary><c>Slice</c> with constant starts, ends and axes.</summary>
    public string Slice(string x, long[] starts, long[] ends, long[] axes) =>
        Op("Slice", [x, Int64Vector(starts), Int64Vector(ends), Int64Vector(axes)]);

    /// <summary><c>LayerNormalization</c> over the last axis (opset 17) with float32 scale and bias values.</summary>
    public string LayerNorm(string x, string scale, string bias, float epsilon = 1e-5f) =>
        Op("LayerNormalization", [x, scale, bias], OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>
    /// Scaled dot-product attention <c>softmax(Q·Kᵀ/√d)·V</c> for <c>[..., Lq, d]</c>, <c>[..., Lk, d]</c>,
    /// <c>[..., Lk, dv]</c> values, built from MatMul/Softmax so every provider runs it.
    /// </summary>
    /// <param name="q">Queries.</param>
    /// <param name="k">Keys.</param>
    /// <param name="v">Values.</param>
    /// <param name="headDim">d, for the 1/√d scale.</param>
    /// <param name="rank">Rank of q, k and v (3 for [B, L, d], 4 for [B, heads, L, d]).</param>
    public string Attention(string q, string k, string v, int headDim, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 2);
        long[] perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[rank - 1], perm[rank - 2]) = (perm[rank - 2], perm[rank - 1]);
        string kt = Transpose(k, perm);
        string scores = Mul(MatMul(q, kt), FloatScalar(1f / MathF.Sqrt(headDim)));
        return MatMul(Softmax(scores), v);
    }

    /// <summary>Adds <c>Identity(source)</c> under a chosen name.</summary>
    public string Identity(string source, string name)
    {
        Node("Identity", [source], [name], []);
        return name;
    }

    /// <summary>A fresh value name starting with <paramref name="prefix"/>.</summary>
    public string UniqueName(string prefix)
    {
        string name;
        do
        {
            name = prefix + "_" + (_counter++).ToString(CultureInfo.InvariantCulture);
        }
        while (_names.Contains(name));

        return name;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used in graph '{Name}'.", nameof(name));
        }
    }
}
