using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Tensors;
using FaceStudio.TestSupport;

namespace FaceStudio.Benchmarks.Guidance;

/// <summary>
/// Per-step cost of guidance outside the denoiser (SD1.5 shapes: 4 × 64 × 64 latents, 77 × 768 text, 2 identities):
/// the composed blend, CFG, and the whole guided step around a denoiser that does nothing. Should be a rounding
/// error beside a UNet step, and allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class GuidanceStepBenchmarks
{
    private const int Channels = 4, Latent = 64, Plane = Latent * Latent, Length = Channels * Plane;
    private readonly float[] _text = Filled(Length, 0.1f);
    private readonly float[] _identities = Filled(2 * Length, 0.2f);
    private readonly float[] _uncond = Filled(Length, 0.3f);
    private readonly float[] _destination = new float[Length];
    private readonly float[] _sample = Filled(Length, 0.4f);
    private CompositeNoiseBlend _blend = null!;
    private GuidedDenoiser _native = null!;
    private GuidedDenoiser _composed = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        RegionMaskSet regions = RegionMaskBuilder.Build([IdentityRegion.FromBox(RegionBox.FromSize(0, 0, 300, 512)), IdentityRegion.FromBox(RegionBox.FromSize(212, 0, 300, 512))], 2, 512, 512, new RegionMaskOptions { SoftEdgeRadius = 2 });
        _blend = new CompositeNoiseBlend(regions.Latent.Masks.Span, [1f, 0.8f], Plane);
        var projector = new LinearGuidanceProjector(new float[4 * 768 * 512], null, 512, 0, 4, 768);
        var request = new GuidanceRequest(new FloatTensor(77, 768), new FloatTensor(77, 768), [IdentityGuidance.Single(Filled(512, 1f)), IdentityGuidance.Single(Filled(512, -1f))]);
        var options = new GuidanceOptions { Flavor = GuidanceFlavor.IpAdapterFaceId, IdentityGuidanceScale = 2f };
        var composer = new GuidanceComposer(projector);
        var native = new NullDenoiser(new DenoiserCapabilities { SupportsIdentityRegions = true, IdentityTokensPerIdentity = 4 });
        var stock = new NullDenoiser(new DenoiserCapabilities());
        _native = GuidedDenoiser.Create(native, await composer.PlanAsync(request, options, regions, native.Capabilities, Latent, Latent), Channels);
        _composed = GuidedDenoiser.Create(stock, await composer.PlanAsync(request, options, regions, stock.Capabilities, Latent, Latent), Channels);
    }

    [Benchmark]
    public void ComposedBlend()
    {
        _blend.Blend(_text, _identities, _destination);
    }

    [Benchmark]
    public void ClassifierFreeGuidanceThreeRows() => ClassifierFreeGuidance.Combine(_uncond, _text, _identities.AsSpan(0, Length), 7.5f, 2f, _destination);

    [Benchmark]
    public void NativeGuidedStepAroundNullDenoiser() => _native.Predict(_sample, 500f, _destination, CancellationToken.None);

    [Benchmark]
    public void ComposedGuidedStepAroundNullDenoiser() => _composed.Predict(_sample, 500f, _destination, CancellationToken.None);

    private static float[] Filled(int length, float value)
    {
        var a = new float[length];
        Array.Fill(a, value);
        return a;
    }

    private sealed class NullDenoiser(DenoiserCapabilities capabilities) : IDenoiser
    {
        public DenoiserCapabilities Capabilities { get; } = capabilities;

        public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new Session();

        private sealed class Session : IDenoiserSession
        {
            public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
