using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FaceStudio.Core.Scheduling;

/// <summary>Allocation-free vector kernels the schedulers combine (TensorPrimitives underneath).</summary>
internal static class SchedulerMath
{
    /// <summary>destination = a·x + b·y. Any of x, y may be the same span as destination.</summary>
    public static void Combine(float a, ReadOnlySpan<float> x, float b, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (Same(y, destination))
        {
            TensorPrimitives.Multiply(y, b, destination);
            TensorPrimitives.MultiplyAdd(x, a, destination, destination);
        }
        else
        {
            TensorPrimitives.Multiply(x, a, destination);
            TensorPrimitives.MultiplyAdd(y, b, destination, destination);
        }
    }

    /// <summary>destination += a·x.</summary>
    public static void AddScaled(Span<float> destination, float a, ReadOnlySpan<float> x)
        => TensorPrimitives.MultiplyAdd(x, a, destination, destination);

    /// <summary>Clamps every value to [−range, range].</summary>
    public static void Clip(Span<float> values, float range)
    {
        TensorPrimitives.Min(values, range, values);
        TensorPrimitives.Max(values, -range, values);
    }

    private static bool Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => Unsafe.AreSame(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b));
}
