using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// The vector operations the width-generic kernels (<see cref="DeterministicMath"/>, <see cref="Philox4x32"/>) are
/// written with, so each kernel is written once and the JIT specialises it per width: <see cref="Lanes128{T}"/>,
/// <see cref="Lanes256{T}"/>, <see cref="Lanes512{T}"/>. Every member is the plain <c>Vector128/256/512</c> operation
/// (no fused multiply-add, no reordering), so a kernel performs exactly the IEEE operations it spells out.
/// </summary>
/// <typeparam name="TSelf">The implementing wrapper.</typeparam>
/// <typeparam name="T">The lane type.</typeparam>
/// <remarks>
/// <c>System.Runtime.Intrinsics.ISimdVector</c> is internal to the runtime, hence this small interface; the wrappers
/// hold one vector field, which the JIT keeps in a register.
/// </remarks>
internal interface ILaneVector<TSelf, T>
    where TSelf : struct, ILaneVector<TSelf, T>
{
    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes one.</summary>
    static abstract TSelf One { get; }

    /// <summary>Lane i holds i.</summary>
    static abstract TSelf Indices { get; }

    /// <summary>All lanes <paramref name="value"/>.</summary>
    /// <param name="value">The lane value.</param>
    static abstract TSelf Create(T value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane-wise product (correctly rounded, never fused with an addition).</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Lane-wise quotient.</summary>
    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>Bitwise and.</summary>
    static abstract TSelf operator &(TSelf left, TSelf right);

    /// <summary>Bitwise or.</summary>
    static abstract TSelf operator |(TSelf left, TSelf right);

    /// <summary>Bitwise exclusive or.</summary>
    static abstract TSelf operator ^(TSelf left, TSelf right);

    /// <summary>Lane-wise left shift.</summary>
    static abstract TSelf operator <<(TSelf value, int shiftCount);

    /// <summary>Lane-wise logical right shift.</summary>
    static abstract TSelf operator >>>(TSelf value, int shiftCount);

    /// <summary>All-ones lanes where <paramref name="left"/> equals <paramref name="right"/>, zero elsewhere.</summary>
    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>All-ones lanes where <paramref name="left"/> is greater, zero elsewhere.</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    /// <summary>All-ones lanes where <paramref name="left"/> is less, zero elsewhere.</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    /// <summary>Bits of <paramref name="whenTrue"/> where <paramref name="mask"/> is set, of <paramref name="whenFalse"/> elsewhere.</summary>
    static abstract TSelf ConditionalSelect(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>Lane-wise correctly rounded square root.</summary>
    static abstract TSelf Sqrt(TSelf value);

    /// <summary><see cref="Philox4x32"/>'s 32×32→64-bit products of the lanes, as 32-bit words, with the width's own intrinsics.</summary>
    static abstract void MulHiLo<TPolicy>(TSelf a, uint m, out TSelf high, out TSelf low)
        where TPolicy : struct, IIntrinsicsPolicy;
}

/// <summary>Bit-for-bit reinterpretations between the double and the 64-bit integer lanes of one width.</summary>
/// <typeparam name="TDouble">The width's double lanes.</typeparam>
/// <typeparam name="TUInt64">The width's 64-bit integer lanes.</typeparam>
internal interface ISameWidth<TDouble, TUInt64>
{
    /// <summary>The same bits as doubles.</summary>
    TDouble AsDouble();

    /// <summary>The same bits as 64-bit integers.</summary>
    TUInt64 AsUInt64();
}

/// <summary>The <see cref="Vector128{T}"/> lanes as an <see cref="ILaneVector{TSelf, T}"/>: each member is the <c>Vector128</c> operation of that name.</summary>
/// <typeparam name="T">The lane type.</typeparam>
internal readonly struct Lanes128<T> : ILaneVector<Lanes128<T>, T>, ISameWidth<Lanes128<double>, Lanes128<ulong>>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector128<T> Value;

    /// <summary>Wraps a vector.</summary>
    /// <param name="value">The vector.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes128(Vector128<T> value) => Value = value;

    /// <inheritdoc />
    public static Lanes128<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<T>.Zero);
    }

    /// <inheritdoc />
    public static Lanes128<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<T>.One);
    }

    /// <inheritdoc />
    public static Lanes128<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<T>.Indices);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> Create(T value) => new(Vector128.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator +(Lanes128<T> left, Lanes128<T> right) => new(left.Value + right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator -(Lanes128<T> left, Lanes128<T> right) => new(left.Value - right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator *(Lanes128<T> left, Lanes128<T> right) => new(left.Value * right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator /(Lanes128<T> left, Lanes128<T> right) => new(left.Value / right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator &(Lanes128<T> left, Lanes128<T> right) => new(left.Value & right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator |(Lanes128<T> left, Lanes128<T> right) => new(left.Value | right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator ^(Lanes128<T> left, Lanes128<T> right) => new(left.Value ^ right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator <<(Lanes128<T> value, int shiftCount) => new(value.Value << shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> operator >>>(Lanes128<T> value, int shiftCount) => new(value.Value >>> shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> Equal(Lanes128<T> left, Lanes128<T> right) => new(Vector128.Equals(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> GreaterThan(Lanes128<T> left, Lanes128<T> right) => new(Vector128.GreaterThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> LessThan(Lanes128<T> left, Lanes128<T> right) => new(Vector128.LessThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> ConditionalSelect(Lanes128<T> mask, Lanes128<T> whenTrue, Lanes128<T> whenFalse)
        => new(Vector128.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<T> Sqrt(Lanes128<T> value) => new(Vector128.Sqrt(value.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulHiLo<TPolicy>(Lanes128<T> a, uint m, out Lanes128<T> high, out Lanes128<T> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.MulHiLo<TPolicy>(a.Value.AsUInt32(), m, out var h, out var l);
        (high, low) = (new(h.As<uint, T>()), new(l.As<uint, T>()));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes128<double> AsDouble() => new(Value.AsDouble());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes128<ulong> AsUInt64() => new(Value.AsUInt64());
}

/// <summary>The <see cref="Vector256{T}"/> lanes as an <see cref="ILaneVector{TSelf, T}"/>: each member is the <c>Vector256</c> operation of that name.</summary>
/// <typeparam name="T">The lane type.</typeparam>
internal readonly struct Lanes256<T> : ILaneVector<Lanes256<T>, T>, ISameWidth<Lanes256<double>, Lanes256<ulong>>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector256<T> Value;

    /// <summary>Wraps a vector.</summary>
    /// <param name="value">The vector.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes256(Vector256<T> value) => Value = value;

    /// <inheritdoc />
    public static Lanes256<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<T>.Zero);
    }

    /// <inheritdoc />
    public static Lanes256<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<T>.One);
    }

    /// <inheritdoc />
    public static Lanes256<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<T>.Indices);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Create(T value) => new(Vector256.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator +(Lanes256<T> left, Lanes256<T> right) => new(left.Value + right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator -(Lanes256<T> left, Lanes256<T> right) => new(left.Value - right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator *(Lanes256<T> left, Lanes256<T> right) => new(left.Value * right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator /(Lanes256<T> left, Lanes256<T> right) => new(left.Value / right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator &(Lanes256<T> left, Lanes256<T> right) => new(left.Value & right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator |(Lanes256<T> left, Lanes256<T> right) => new(left.Value | right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator ^(Lanes256<T> left, Lanes256<T> right) => new(left.Value ^ right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator <<(Lanes256<T> value, int shiftCount) => new(value.Value << shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator >>>(Lanes256<T> value, int shiftCount) => new(value.Value >>> shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Equal(Lanes256<T> left, Lanes256<T> right) => new(Vector256.Equals(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> GreaterThan(Lanes256<T> left, Lanes256<T> right) => new(Vector256.GreaterThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> LessThan(Lanes256<T> left, Lanes256<T> right) => new(Vector256.LessThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> ConditionalSelect(Lanes256<T> mask, Lanes256<T> whenTrue, Lanes256<T> whenFalse)
        => new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Sqrt(Lanes256<T> value) => new(Vector256.Sqrt(value.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulHiLo<TPolicy>(Lanes256<T> a, uint m, out Lanes256<T> high, out Lanes256<T> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.MulHiLo<TPolicy>(a.Value.AsUInt32(), m, out var h, out var l);
        (high, low) = (new(h.As<uint, T>()), new(l.As<uint, T>()));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes256<double> AsDouble() => new(Value.AsDouble());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes256<ulong> AsUInt64() => new(Value.AsUInt64());
}

/// <summary>The <see cref="Vector512{T}"/> lanes as an <see cref="ILaneVector{TSelf, T}"/>: each member is the <c>Vector512</c> operation of that name.</summary>
/// <typeparam name="T">The lane type.</typeparam>
internal readonly struct Lanes512<T> : ILaneVector<Lanes512<T>, T>, ISameWidth<Lanes512<double>, Lanes512<ulong>>
{
    /// <summary>The wrapped vector.</summary>
    public readonly Vector512<T> Value;

    /// <summary>Wraps a vector.</summary>
    /// <param name="value">The vector.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes512(Vector512<T> value) => Value = value;

    /// <inheritdoc />
    public static Lanes512<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<T>.Zero);
    }

    /// <inheritdoc />
    public static Lanes512<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<T>.One);
    }

    /// <inheritdoc />
    public static Lanes512<T> Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<T>.Indices);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Create(T value) => new(Vector512.Create(value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator +(Lanes512<T> left, Lanes512<T> right) => new(left.Value + right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator -(Lanes512<T> left, Lanes512<T> right) => new(left.Value - right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator *(Lanes512<T> left, Lanes512<T> right) => new(left.Value * right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator /(Lanes512<T> left, Lanes512<T> right) => new(left.Value / right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator &(Lanes512<T> left, Lanes512<T> right) => new(left.Value & right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator |(Lanes512<T> left, Lanes512<T> right) => new(left.Value | right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator ^(Lanes512<T> left, Lanes512<T> right) => new(left.Value ^ right.Value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator <<(Lanes512<T> value, int shiftCount) => new(value.Value << shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator >>>(Lanes512<T> value, int shiftCount) => new(value.Value >>> shiftCount);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Equal(Lanes512<T> left, Lanes512<T> right) => new(Vector512.Equals(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> GreaterThan(Lanes512<T> left, Lanes512<T> right) => new(Vector512.GreaterThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> LessThan(Lanes512<T> left, Lanes512<T> right) => new(Vector512.LessThan(left.Value, right.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> ConditionalSelect(Lanes512<T> mask, Lanes512<T> whenTrue, Lanes512<T> whenFalse)
        => new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Sqrt(Lanes512<T> value) => new(Vector512.Sqrt(value.Value));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulHiLo<TPolicy>(Lanes512<T> a, uint m, out Lanes512<T> high, out Lanes512<T> low)
        where TPolicy : struct, IIntrinsicsPolicy
    {
        Philox4x32.MulHiLo<TPolicy>(a.Value.AsUInt32(), m, out var h, out var l);
        (high, low) = (new(h.As<uint, T>()), new(l.As<uint, T>()));
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes512<double> AsDouble() => new(Value.AsDouble());

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes512<ulong> AsUInt64() => new(Value.AsUInt64());
}
