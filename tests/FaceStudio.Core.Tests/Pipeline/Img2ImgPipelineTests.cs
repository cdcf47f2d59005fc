using FaceStudio.Core.Denoising;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Tests.Pipeline;

/// <summary>img2img against diffusers' StableDiffusionImg2ImgPipeline: init latents noised at the first kept timestep.</summary>
public class Img2ImgPipelineTests
{
    private sealed class Recorder : IDenoiser
    {
        public List<(float T, float[] X)> Seen { get; } = [];
        public DenoiserCapabilities Capabilities { get; } = new() { LatentChannels = 4, ContextDim = PipelineFakes.Dim };
        public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape) => new S(this, latentShape);
        private sealed class S(Recorder o, LatentShape shape) : IDenoiserSession
        {
            public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
            {
                o.Seen.Add((timestep, sample[..(sample.Length / shape.Batch)].ToArray()));
                prediction.Clear();
            }
            public void Dispose() { }
        }
    }

    [Fact]
    public async Task Ddim_img2img_starts_from_the_init_latents_noised_at_the_first_kept_timestep_on_a_non_square_image()
    {
        var den = new Recorder();
        var enc = new FakeEncoder();
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().UseDenoiser(den).UseLatentEncoder(enc).Build();
        var img = new RgbImage(64, 80);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i * 7 % 251);
        var request = new GenerationRequest { Prompt = "x", Width = 64, Height = 80, Steps = 10, Seed = 5, Scheduler = "ddim", Style = new StyleInput(img) { UseAsInitImage = true, Strength = 0.5f } };
        await pipeline.GenerateAsync(request);

        // diffusers: DDIM leading spacing, offset 1 gives [901, 801, ..., 1]; strength 0.5 keeps the last int(10·0.5) = 5.
        Assert.Equal([401f, 301f, 201f, 101f, 1f], den.Seen.Select(s => s.T));
        FloatTensor x0 = await enc.EncodeAsync(ImageTensors.ToChw(ImageResize.Resize(img, 64, 80, ResizeFilter.Bicubic), ChannelNormalization.MinusOneToOne));
        var n = new float[x0.Length];
        new TorchCpuNoiseSource(5).NextGaussian(n); // the request's default noise source, torch-cpu
        // x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε at t = 401, ᾱ from SD 1.5's scaled_linear betas, ε the seed's first draw.
        double ab = 1;
        double s0 = Math.Sqrt(0.00085), s1 = Math.Sqrt(0.012);
        for (int t = 0; t <= 401; t++) { double b = s0 + ((s1 - s0) * t / 999); ab *= 1 - (b * b); }
        for (int i = 0; i < n.Length; i++)
        {
            Assert.Equal((Math.Sqrt(ab) * x0.Buffer[i]) + (Math.Sqrt(1 - ab) * n[i]), den.Seen[0].X[i], 1e-4); // a tolerance: rounding to 4 places flips at boundaries
        }
    }
}
