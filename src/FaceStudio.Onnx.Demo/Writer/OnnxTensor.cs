using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>
/// A named constant tensor (an initializer or a <c>Constant</c> node's value): element type, dimensions and
/// little-endian raw bytes, as ONNX stores them in <c>TensorProto.raw_data</c>.
/// </summary>
public sealed class OnnxTensor
{
    private readonly long[] _dims;
    private readonly byte[] _raw;

    private OnnxTensor(string name, OnnxElementType type, long[] dims, byte[] raw)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long count = 1;
        foreach (long d in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dims));
            count = checked(count * d);
        }

        if (count * type.ByteSize() != raw.Length)
        {
            throw new ArgumentException($"Tensor '{name}' of shape [{string.Join(", ", dims)}] and type {type} needs {count * type.ByteSize()} bytes; got {raw.Length}.", nameof(raw));
        }

        Name = name;
        ElementType = type;
        _dims = dims;
        _raw = raw;
    }

    /// <summary>The tensor's name in the graph.</summary>
    public string Name { get; }

    /// <summary>Element type as stored.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>Element count.</summary>
    public long ElementCount => _raw.Length / ElementType.ByteSize();

    /// <summary>Raw little-endian bytes.</summary>
    public ReadOnlyMemory<byte> RawData => _raw;

    /// <summary>
    /// A float tensor stored as <paramref name="storeAs"/> (<see cref="OnnxElementType.Float"/> or
    /// <see cref="OnnxElementType.Float16"/>, converted with round-to-nearest-even).
    /// </summary>
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values, OnnxElementType storeAs = OnnxElementType.Float)
    {
        byte[] raw;
        if (storeAs == OnnxElementType.Float)
        {
            raw = MemoryMarshal.AsBytes(values).ToArray();
        }
        else if (storeAs == OnnxElementType.Float16)
        {
            var halves = new Half[values.Length];
            TensorPrimitives.ConvertToHalf(values, halves);
            raw = MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        }
        else
        {
            throw new ArgumentException($"Floats can be stored as Float or Float16, not {storeAs}.", nameof(storeAs));
        }

        EnsureLittleEndian();
        return new OnnxTensor(name, storeAs, dims.ToArray(), raw);
    }

    /// <summary>An int64 tensor.</summary>
    public static OnnxTensor FromInt64(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        EnsureLittleEndian();
        return new OnnxTensor(name, OnnxElementType.Int64, dims.ToArray(), MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>An int32 tensor.</summary>
    public static OnnxTensor FromInt32(string name, ReadOnlySpan<long> dims, ReadOnlySpan<int> values)
    {
        EnsureLittleEndian();
        return new OnnxTensor(name, OnnxElementType.Int32, dims.ToArray(), MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>A tensor from raw little-endian bytes of the given element type.</summary>
    public static OnnxTensor FromRaw(string name, OnnxElementType type, ReadOnlySpan<long> dims, ReadOnlySpan<byte> raw) =>
        new(name, type, dims.ToArray(), raw.ToArray());

    /// <summary>The same data under another name.</summary>
    public OnnxTensor WithName(string name) => new(name, ElementType, _dims, _raw);

    /// <summary>The values as float32 (converting from float16 when stored so); throws for integer tensors.</summary>
    public float[] ToFloats()
    {
        return ElementType switch
        {
            OnnxElementType.Float => MemoryMarshal.Cast<byte, float>(_raw).ToArray(),
            OnnxElementType.Float16 => ConvertHalves(MemoryMarshal.Cast<byte, Half>(_raw)),
            _ => throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not floats."),
        };

        static float[] ConvertHalves(ReadOnlySpan<Half> halves)
        {
            var result = new float[halves.Length];
            TensorPrimitives.ConvertToSingle(halves, result);
            return result;
        }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The ONNX writer needs a little-endian machine.");
        }
    }
}
