namespace FaceStudio.Core.Randomness;

/// <summary>
/// Creates the seeded noise source of one image for a pipeline request (the request names the source). Inject your
/// own (builder's <c>UseNoiseSourceFactory</c>, or a DI registration); <see cref="NamedNoiseSourceFactory"/> is the default.
/// </summary>
public interface INoiseSourceFactory
{
    /// <summary>Creates the source named <paramref name="name"/> seeded with <paramref name="seed"/>.</summary>
    /// <param name="name">The request's noise source name.</param>
    /// <param name="seed">The image's seed.</param>
    /// <exception cref="Errors.FaceStudioValidationException">The name is unknown.</exception>
    INoiseSource Create(string name, long seed);
}
