using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// A pinned host buffer of a fixed shape and element type with one <see cref="OrtValue"/> over it, created
/// once and reused; float data is converted in and out with <see cref="TensorPrimitives"/>.
/// </summary>
internal sealed class HostTensor : IDisposable
{
    private readonly float[]? _float;
    private readonly Float16[]? _half;
    private readonly long[]? _int64;
    private readonly int[]? _int32;

    public HostTensor(TensorElementType type, long[] shape)
    {
        ElementType = type;
        Shape = shape;
        int count = checked((int)ShapeLength(shape));
        switch (type)
        {
            case TensorElementType.Float:
                _float = GC.AllocateArray<float>(count, pinned: true);
                Value = OrtValue.CreateTensorValueFromMemory(_float, shape);
                break;
            case TensorElementType.Float16:
                _half = GC.AllocateArray<Float16>(count, pinned: true);
                Value = OrtValue.CreateTensorValueFromMemory(_half, shape);
                break;
            case TensorElementType.Int64:
                _int64 = GC.AllocateArray<long>(count, pinned: true);
                Value = OrtValue.CreateTensorValueFromMemory(_int64, shape);
                break;
            case TensorElementType.Int32:
                _int32 = GC.AllocateArray<int>(count, pinned: true);
                Value = OrtValue.CreateTensorValueFromMemory(_int32, shape);
                break;
            default:
                throw new NotSupportedException($"Element type {type} is not supported for host buffers.");
        }

        Length = count;
    }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    public int Length { get; }

    public OrtValue Value { get; }

    public static long ShapeLength(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    /// <summary>Writes floats (converting to fp16 when the buffer is fp16).</summary>
    public void WriteFloats(ReadOnlySpan<float> values)
    {
        if (_float is not null)
        {
            values.CopyTo(_float);
        }
        else if (_half is not null)
        {
            TensorPrimitives.ConvertToHalf(values, MemoryMarshal.Cast<Float16, Half>(_half.AsSpan()));
        }
        else
        {
            throw new InvalidOperationException($"Buffer holds {ElementType}, not floats.");
        }
    }

    /// <summary>Fills with one number in the buffer's type (timesteps).</summary>
    public void Fill(float value)
    {
        if (_float is not null)
        {
            _float.AsSpan().Fill(value);
        }
        else if (_half is not null)
        {
            MemoryMarshal.Cast<Float16, Half>(_half.AsSpan()).Fill((Half)value);
        }
        else if (_int64 is not null)
        {
            _int64.AsSpan().Fill((long)MathF.Round(value));
        }
        else
        {
            _int32!.AsSpan().Fill((int)MathF.Round(value));
        }
    }

    /// <summary>Writes integer ids.</summary>
    public void WriteIds(int row, ReadOnlySpan<int> ids)
    {
        int offset = row * ids.Length;
        if (_int64 is not null)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                _int64[offset + i] = ids[i];
            }
        }
        else if (_int32 is not null)
        {
            ids.CopyTo(_int32.AsSpan(offset));
        }
        else
        {
            throw new InvalidOperationException($"Buffer holds {ElementType}, not ids.");
        }
    }

    /// <summary>Reads floats (converting from fp16 when the buffer is fp16).</summary>
    public void ReadFloats(Span<float> destination)
    {
        if (_float is not null)
        {
            _float.CopyTo(destination);
        }
        else if (_half is not null)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(_half.AsSpan()), destination);
        }
        else
        {
            throw new InvalidOperationException($"Buffer holds {ElementType}, not floats.");
        }
    }

    public void Dispose() => Value.Dispose();
}

/// <summary>Reads an <see cref="OrtValue"/> result as float32.</summary>
internal static class OrtValueReader
{
    public static float[] ReadFloats(OrtValue value)
    {
        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        var result = new float[checked((int)info.ElementCount)];
        if (info.ElementDataType == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>()), result);
        }
        else
        {
            value.GetTensorDataAsSpan<float>().CopyTo(result);
        }

        return result;
    }

    public static int[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape.Select(d => checked((int)d)).ToArray();
}
