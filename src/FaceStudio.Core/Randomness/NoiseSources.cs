using System.Globalization;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Randomness;

/// <summary>
/// The noise sources by name, so that a request or a command line can choose one:
/// <list type="bullet">
/// <item><c>torch-cpu</c>: <see cref="TorchCpuNoiseSource"/>, the numbers of <c>torch.randn</c> with
/// <c>torch.Generator("cpu").manual_seed(seed)</c> (what diffusers' examples use; the seed means what it means there).</item>
/// <item><c>torch-cuda</c>: <see cref="TorchCudaNoiseSource"/>, the numbers of <c>torch.randn(..., device="cuda")</c>
/// after <c>torch.manual_seed(seed)</c> (AUTOMATIC1111's "NV" source).</item>
/// <item><c>philox</c>: <see cref="PhiloxNoiseSource"/>, FaceStudio's own source (bit-identical on every machine, fastest; not torch's numbers).</item>
/// </list>
/// </summary>
public static class NoiseSources
{
    /// <summary><c>torch-cpu</c>.</summary>
    public const string TorchCpu = "torch-cpu";

    /// <summary><c>torch-cuda</c>.</summary>
    public const string TorchCuda = "torch-cuda";

    /// <summary><c>philox</c>.</summary>
    public const string Philox = "philox";

    /// <summary>Every known name, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = [TorchCpu, TorchCuda, Philox];

    /// <summary>Creates the named source for a seed (names are matched ignoring case).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="seed">The seed; for <c>philox</c> its 64 bits are the key (as <see cref="PhiloxNoiseSource(ulong)"/> with <c>unchecked((ulong)seed)</c>).</param>
    /// <exception cref="UnknownNoiseSourceException">The name is not one of <see cref="Names"/>.</exception>
    public static INoiseSource Create(string name, long seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            TorchCpu => new TorchCpuNoiseSource(seed),
            TorchCuda => new TorchCudaNoiseSource(seed),
            Philox => new PhiloxNoiseSource(unchecked((ulong)seed)),
            _ => throw new UnknownNoiseSourceException(name, Names),
        };
    }

    /// <summary>True when <paramref name="name"/> is one of <see cref="Names"/> (ignoring case).</summary>
    public static bool IsKnown(string? name)
        => name is not null && Names.Contains(name.Trim().ToLowerInvariant(), StringComparer.Ordinal);
}

/// <summary>A noise source name that <see cref="NoiseSources"/> does not know; the message lists the known names.</summary>
public sealed class UnknownNoiseSourceException : FaceStudioValidationException
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public UnknownNoiseSourceException(string name, IReadOnlyList<string> knownNames)
        : base("noise", string.Create(CultureInfo.InvariantCulture,
            $"Unknown noise source '{name}'. Known noise sources: {string.Join(", ", knownNames)}."))
    {
        Name = name;
        KnownNames = knownNames;
    }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }

    /// <summary>The names <see cref="NoiseSources"/> knows.</summary>
    public IReadOnlyList<string> KnownNames { get; }
}
