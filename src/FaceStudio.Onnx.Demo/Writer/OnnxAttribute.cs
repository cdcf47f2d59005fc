namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>A node attribute (<c>AttributeProto</c>). Create with the static factories.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
    }

    /// <summary>Attribute name (e.g. <c>kernel_shape</c>).</summary>
    public string Name { get; }

    /// <summary>What the attribute holds.</summary>
    public OnnxAttributeKind Kind { get; }

    /// <summary>Value for <see cref="OnnxAttributeKind.Float"/>.</summary>
    public float FloatValue { get; private init; }

    /// <summary>Value for <see cref="OnnxAttributeKind.Int"/>.</summary>
    public long IntValue { get; private init; }

    /// <summary>Value for <see cref="OnnxAttributeKind.String"/>.</summary>
    public string? StringValue { get; private init; }

    /// <summary>Value for <see cref="OnnxAttributeKind.Tensor"/>.</summary>
    public OnnxTensor? TensorValue { get; private init; }

    /// <summary>Values for <see cref="OnnxAttributeKind.Floats"/>.</summary>
    public IReadOnlyList<float> FloatValues { get; private init; } = [];

    /// <summary>Values for <see cref="OnnxAttributeKind.Ints"/>.</summary>
    public IReadOnlyList<long> IntValues { get; private init; } = [];

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float) { FloatValue = value };

    /// <summary>An int attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int) { IntValue = value };

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeKind.String) { StringValue = value ?? throw new ArgumentNullException(nameof(value)) };

    /// <summary>A tensor attribute.</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, OnnxAttributeKind.Tensor) { TensorValue = value ?? throw new ArgumentNullException(nameof(value)) };

    /// <summary>A float-list attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeKind.Floats) { FloatValues = (float[])values.Clone() };

    /// <summary>An int-list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeKind.Ints) { IntValues = (long[])values.Clone() };
}
