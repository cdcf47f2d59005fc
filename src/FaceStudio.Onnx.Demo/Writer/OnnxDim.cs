namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>One dimension of a declared shape: a fixed size or a symbolic name (dynamic).</summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long? value, string? param)
    {
        Value = value;
        Param = param;
    }

    /// <summary>The fixed size, when fixed.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, when dynamic (e.g. <c>batch</c>).</summary>
    public string? Param { get; }

    /// <summary>A fixed dimension.</summary>
    public static OnnxDim Fixed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new OnnxDim(value, null);
    }

    /// <summary>A dynamic dimension named <paramref name="name"/>.</summary>
    public static OnnxDim Dynamic(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new OnnxDim(null, name);
    }

    /// <summary>A fixed dimension from an integer.</summary>
    public static implicit operator OnnxDim(long value) => Fixed(value);

    /// <summary>A dynamic dimension from a name.</summary>
    public static implicit operator OnnxDim(string name) => Dynamic(name);

    /// <inheritdoc />
    public override string ToString() => Param ?? Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
