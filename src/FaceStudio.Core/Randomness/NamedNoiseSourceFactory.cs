namespace FaceStudio.Core.Randomness;

/// <summary>The default <see cref="INoiseSourceFactory"/>: the sources of <see cref="NoiseSources"/> (<c>torch-cpu</c>, <c>torch-cuda</c>, <c>philox</c>).</summary>
public sealed class NamedNoiseSourceFactory : INoiseSourceFactory
{
    /// <summary>The shared instance (stateless).</summary>
    public static NamedNoiseSourceFactory Instance { get; } = new();

    /// <inheritdoc />
    public INoiseSource Create(string name, long seed) => NoiseSources.Create(name, seed);
}
