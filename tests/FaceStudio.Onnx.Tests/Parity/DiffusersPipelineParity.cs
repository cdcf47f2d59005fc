using System.Text.Json;
using System.Text.Json.Nodes;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Latents;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// Runs the SDK's pipeline on the committed tiny pack with the settings of a recorded diffusers run (same seed, the
/// torch-cpu noise source, scheduler, steps, guidance, prompt) and measures the distance to diffusers' result.
/// </summary>
internal static class DiffusersPipelineParity
{
    /// <summary>Final latents (relative L2) and decoded pixels (largest grey-level difference).</summary>
    public sealed record Outcome(double LatentRelativeL2, int MaxGreyLevelDifference)
    {
        /// <summary>The region mask rule the pipeline used (identity runs).</summary>
        public RegionMaskDownsample? MaskDownsample { get; init; }
    }

    /// <summary>The recorded text-to-image and img2img cases (index.json "pipelines").</summary>
    public static IReadOnlyList<string> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        return [.. doc.RootElement.GetProperty("pipelines").EnumerateObject().Select(p => p.Name)];
    }

    /// <summary>One diffusers StableDiffusion(Img2Img)Pipeline case against the SDK.</summary>
    /// <param name="name">The case (index.json "pipelines").</param>
    public static async Task<Outcome> RunCaseAsync(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        JsonElement c = doc.RootElement.GetProperty("pipelines").GetProperty(name);
        bool img2img = c.GetProperty("class").GetString() == "StableDiffusionImg2ImgPipeline";
        string scheduler = SchedulerName(c.GetProperty("scheduler_class").GetString()!, c.GetProperty("scheduler_config"));
        string dir = "pipelines/" + name + "/";
        int width = c.GetProperty("width").GetInt32(), height = c.GetProperty("height").GetInt32();

        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(ParityFixtures.Pack));
        var decoder = new RecordingDecoder(builder.LatentDecoder!);
        builder.UseLatentDecoder(decoder);
        StyleInput? style = null;
        if (img2img)
        {
            // The reference encodes init_image.npy (floats in [-1, 1], not 8-bit pixels); the SDK's own VAE encoder
            // encodes the same tensor here instead of the style image's pixels.
            builder.UseLatentEncoder(new FixedInputEncoder(builder.LatentEncoder!, Tensor(dir + "init_image.npy")));
            style = new StyleInput(new RgbImage(width, height)) { UseAsInitImage = true, Strength = c.GetProperty("strength").GetSingle() };
        }

        using FaceStudioPipeline pipeline = builder.Build();
        var request = new GenerationRequest
        {
            Prompt = doc.RootElement.GetProperty("prompt").GetString()!,
            NegativePrompt = doc.RootElement.GetProperty("negative_prompt").GetString()!,
            Width = width,
            Height = height,
            Steps = c.GetProperty("steps").GetInt32(),
            GuidanceScale = c.GetProperty("guidance_scale").GetSingle(),
            Scheduler = scheduler,
            Seed = c.GetProperty("seed").GetInt64(),
            Noise = NoiseSources.TorchCpu,
            Style = style,
        };
        return await RunAsync(pipeline, request, decoder, dir);
    }

    /// <summary>The identity run's image size (from its recorded image, [1, H, W, 3]).</summary>
    public static (int Width, int Height) IdentitySize()
    {
        long[] imageShape = ParityFixtures.Read("identity/run/image_uint8.npy").Shape;
        return ((int)imageShape[2], (int)imageShape[1]);
    }

    /// <summary>The identity run's regions: boxes over the left and right halves, in identity order.</summary>
    public static IdentityRegion[] IdentityRegions(int count, int width, int height)
    {
        float part = width / (float)count;
        return [.. Enumerable.Range(0, count).Select(i => IdentityRegion.FromBox(RegionBox.FromSize(i * part, 0, part, height)))];
    }

    /// <summary>The parity pack copied to <paramref name="folder"/> with <paramref name="unet"/> as its UNet, declaring <paramref name="maskDownsample"/>.</summary>
    public static string PackWithIdentityUNet(TestFolder folder, string unet, string? maskDownsample)
    {
        string packDir = folder.File("pack");
        CopyDirectory(ParityFixtures.Pack, packDir);
        string manifestPath = Path.Combine(packDir, "facestudio.json");
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["components"]!["unet"] = unet;
        if (maskDownsample is not null)
        {
            manifest["options"]!["maskDownsample"] = maskDownsample;
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString());
        return packDir;
    }

    /// <summary>
    /// diffusers' masked IP-Adapter-FaceID run (identity/run) against the SDK's two-region generation: an identity UNet
    /// (by default the one exported with diffusers' bicubic mask rule, declared in the manifest so the pipeline builds
    /// its masks with the same rule), the FaceID projector, the two faces as embeddings with scales 0.9 and 0.6, boxes
    /// over the left and right halves.
    /// </summary>
    public static async Task<Outcome> RunIdentityAsync(string unet = "unet_identity_bicubic/model.onnx", string maskDownsample = "bicubic")
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        JsonElement c = doc.RootElement.GetProperty("identity");
        using var folder = new TestFolder();
        string packDir = PackWithIdentityUNet(folder, unet, maskDownsample);

        var builder = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(packDir));
        var decoder = new RecordingDecoder(builder.LatentDecoder!);
        builder.UseLatentDecoder(decoder);
        using FaceStudioPipeline pipeline = builder.Build();

        float[] faces = ParityFixtures.Read("identity/face_embeds.npy").AsFloat();
        float[] scales = ParityFixtures.Read("identity/scales.npy").AsFloat();
        int dim = faces.Length / scales.Length;
        (int width, int height) = IdentitySize();
        IdentityRegion[] regions = IdentityRegions(scales.Length, width, height);
        var identities = new IdentityInput[scales.Length];
        for (int i = 0; i < identities.Length; i++)
        {
            identities[i] = IdentityInput.FromEmbedding(IdentityEmbedding.FromVector(faces.AsSpan(i * dim, dim))) with
            {
                Scale = scales[i],
                Region = regions[i],
            };
        }

        var request = new GenerationRequest
        {
            Prompt = doc.RootElement.GetProperty("prompt").GetString()!,
            NegativePrompt = doc.RootElement.GetProperty("negative_prompt").GetString()!,
            Width = width,
            Height = height,
            Steps = c.GetProperty("steps").GetInt32(),
            GuidanceScale = c.GetProperty("guidance_scale").GetSingle(),
            Scheduler = SchedulerName(c.GetProperty("scheduler_class").GetString()!, c.GetProperty("scheduler_config")),
            Seed = c.GetProperty("seed").GetInt64(),
            Noise = NoiseSources.TorchCpu,
            Flavor = GuidanceFlavor.IpAdapterFaceId,
            Identities = identities,
        };
        return await RunAsync(pipeline, request, decoder, "identity/run/") with { MaskDownsample = pipeline.RegionMasks.Downsample };
    }

    private static async Task<Outcome> RunAsync(FaceStudioPipeline pipeline, GenerationRequest request, RecordingDecoder decoder, string dir)
    {
        GenerationResult result = await pipeline.GenerateAsync(request);
        float[] latents = decoder.Last!.Span.ToArray();
        double latentRel = ParityFixtures.RelativeL2(latents, ParityFixtures.Read(dir + "final_latents.npy").AsFloat());
        byte[] expectedPixels = ParityFixtures.Read(dir + "image_uint8.npy").Data;
        byte[] actualPixels = result.Images[0].Image.Pixels;
        int worstPixel = 0;
        for (int i = 0; i < expectedPixels.Length; i++)
        {
            worstPixel = Math.Max(worstPixel, Math.Abs(actualPixels[i] - expectedPixels[i]));
        }

        return new Outcome(latentRel, worstPixel);
    }

    /// <summary>The catalog name of a recorded diffusers scheduler.</summary>
    public static string SchedulerName(string className, JsonElement config)
    {
        bool karras = config.TryGetProperty("use_karras_sigmas", out JsonElement k) && k.ValueKind == JsonValueKind.True;
        return className switch
        {
            "EulerDiscreteScheduler" => "euler",
            "EulerAncestralDiscreteScheduler" => "euler-a",
            "DDIMScheduler" => "ddim",
            "DPMSolverMultistepScheduler" => karras ? "dpmpp-2m-karras" : "dpmpp-2m",
            _ => throw new NotSupportedException(className),
        };
    }

    private static FloatTensor Tensor(string file)
    {
        var npy = ParityFixtures.Read(file);
        return new FloatTensor(npy.AsFloat(), [.. npy.Shape.Select(s => (int)s)]);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The pack's decoder, remembering the latents it was given (the pipeline's final latents).</summary>
    private sealed class RecordingDecoder(ILatentDecoder inner) : ILatentDecoder
    {
        public FloatTensor? Last { get; private set; }

        public int LatentChannels => inner.LatentChannels;

        public int DownscaleFactor => inner.DownscaleFactor;

        public float ScalingFactor => inner.ScalingFactor;

        public Task<FloatTensor> DecodeAsync(FloatTensor latents, CancellationToken cancellationToken = default)
        {
            Last = latents;
            return inner.DecodeAsync(latents, cancellationToken);
        }
    }

    /// <summary>The pack's VAE encoder run on a fixed input tensor (the reference's float init image).</summary>
    private sealed class FixedInputEncoder(ILatentEncoder inner, FloatTensor input) : ILatentEncoder
    {
        public int LatentChannels => inner.LatentChannels;

        public int DownscaleFactor => inner.DownscaleFactor;

        public float ScalingFactor => inner.ScalingFactor;

        public Task<FloatTensor> EncodeAsync(FloatTensor images, CancellationToken cancellationToken = default)
            => inner.EncodeAsync(input, cancellationToken);
    }
}
