namespace FaceStudio.Core.Randomness;

/// <summary>
/// The only way schedulers and pipelines obtain randomness: an injected, seeded source of standard normal numbers.
/// </summary>
/// <remarks>Each call is one "draw" that fills the whole span; implementations must be deterministic for a seed.</remarks>
public interface INoiseSource
{
    /// <summary>Fills <paramref name="destination"/> with independent samples of N(0, 1).</summary>
    /// <param name="destination">The span to fill; its whole length is one draw.</param>
    void NextGaussian(Span<float> destination);
}
