namespace FaceStudio.Core.Randomness;

/// <summary>
/// Compile-time switch for the vector kernels: with platform intrinsics (x86 <c>vpmuludq</c>, shuffles) or with the
/// portable <see cref="System.Runtime.Intrinsics.Vector128"/>/<see cref="System.Runtime.Intrinsics.Vector256"/>
/// operations only. The JIT specialises each struct instantiation, so the unused branch costs nothing; tests run
/// both on one machine to prove they give the same bits.
/// </summary>
internal interface IIntrinsicsPolicy
{
    /// <summary>Whether platform-specific intrinsics may be used when the CPU supports them.</summary>
    static abstract bool PlatformIntrinsics { get; }
}

/// <summary>Use x86 intrinsics where supported (production).</summary>
internal readonly struct PlatformIntrinsicsPolicy : IIntrinsicsPolicy
{
    /// <inheritdoc />
    public static bool PlatformIntrinsics => true;
}

/// <summary>Portable cross-platform vector operations only (what ARM64 and other targets run).</summary>
internal readonly struct PortableIntrinsicsPolicy : IIntrinsicsPolicy
{
    /// <inheritdoc />
    public static bool PlatformIntrinsics => false;
}
