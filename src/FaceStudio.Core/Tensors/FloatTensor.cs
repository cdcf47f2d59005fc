namespace FaceStudio.Core.Tensors;

/// <summary>
/// A dense, row-major float32 tensor: a shape and a contiguous buffer. The exchange type between
/// components (token embeddings, latents, images as CHW), kept deliberately small.
/// </summary>
public sealed class FloatTensor
{
    private readonly int[] _shape;

    /// <summary>Wraps an existing buffer; its length must equal the product of <paramref name="shape"/>.</summary>
    public FloatTensor(float[] buffer, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(shape);
        long count = ElementCount(shape);
        if (count != buffer.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} elements but the buffer has {buffer.Length}.", nameof(buffer));
        }

        Buffer = buffer;
        _shape = (int[])shape.Clone();
    }

    /// <summary>Allocates a zero-filled tensor of the given shape.</summary>
    public FloatTensor(params int[] shape) : this(new float[ElementCount(shape)], shape) { }

    /// <summary>The elements in row-major order.</summary>
    public float[] Buffer { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length => Buffer.Length;

    /// <summary>The elements as a span.</summary>
    public Span<float> Span => Buffer;

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => _shape[axis];

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    /// <summary>Deep copy.</summary>
    public FloatTensor Clone() => new((float[])Buffer.Clone(), _shape);

    /// <summary>Product of the dimensions; throws on negative dimensions or overflow.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Negative dimension {d} in shape.", nameof(shape));
            }

            n = checked(n * d);
        }

        if (n > Array.MaxLength)
        {
            throw new ArgumentException($"Shape holds {n} elements, more than an array can hold ({Array.MaxLength}).", nameof(shape));
        }

        return n;
    }

    /// <inheritdoc />
    public override string ToString() => $"FloatTensor[{string.Join(", ", _shape)}]";
}
