using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Regions;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Pipeline;

/// <summary>One generation: prompt, people, style and sampler settings. Validated before any model runs.</summary>
public sealed record GenerationRequest
{
    /// <summary>Smallest accepted image side in pixels.</summary>
    public const int MinSize = 64;

    /// <summary>Largest accepted image side in pixels.</summary>
    public const int MaxSize = 2048;

    /// <summary>Largest accepted number of images per request.</summary>
    public const int MaxBatchCount = 16;

    /// <summary>What to draw. Prompt weighting syntax (<c>(words:1.3)</c>) is honoured.</summary>
    public required string Prompt { get; init; }

    /// <summary>What to avoid; the unconditional branch of classifier-free guidance. Empty by default.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>The people to put into the picture, in region order (left to right for automatic regions).</summary>
    public IReadOnlyList<IdentityInput> Identities { get; init; } = [];

    /// <summary>Optional style image (hybrid guidance), optionally also the init image.</summary>
    public StyleInput? Style { get; init; }

    /// <summary>Output width in pixels, a multiple of 8 in [64, 2048].</summary>
    public int Width { get; init; } = 512;

    /// <summary>Output height in pixels, a multiple of 8 in [64, 2048].</summary>
    public int Height { get; init; } = 512;

    /// <summary>Inference steps.</summary>
    public int Steps { get; init; } = 25;

    /// <summary>Scheduler name (see <see cref="SchedulerCatalog.Names"/>). The paper samples with Euler ancestral.</summary>
    public string Scheduler { get; init; } = SchedulerCatalog.EulerAncestral;

    /// <summary>Classifier-free guidance scale.</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>Optional separate guidance scale for the identity term.</summary>
    public float? IdentityGuidanceScale { get; init; }

    /// <summary>Hybrid-guidance α: 1 = image branch (style + identity) only, 0 = text branch only.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>Which guidance flavour to use; null takes the model pack's default.</summary>
    public GuidanceFlavor? Flavor { get; init; }

    /// <summary>Seed of the first image; image i uses <c>Seed + i</c>. Null picks a random seed and reports it.</summary>
    /// <remarks>
    /// With the <c>torch-cpu</c> source, image i is what diffusers makes with
    /// <c>generator=torch.Generator("cpu").manual_seed(Seed + i)</c> and one image per call. diffusers with one
    /// generator for a whole batch draws all the batch's latents at once (image i &gt; 0 then differs from the SDK's);
    /// pass a list of generators seeded <c>Seed + i</c> to diffusers to get the SDK's batch.
    /// </remarks>
    public long? Seed { get; init; }

    /// <summary>
    /// The noise source (see <see cref="NoiseSources.Names"/>) for the initial latents, the img2img noise and the step
    /// noise of ancestral/SDE schedulers, drawn in diffusers' order. The default <c>torch-cpu</c> makes a seed mean
    /// what it means in diffusers with a CPU generator; <c>torch-cuda</c> what it means with a CUDA generator
    /// (AUTOMATIC1111's "NV" source); <c>philox</c> is FaceStudio's own source (the bits of earlier versions).
    /// </summary>
    public string Noise { get; init; } = NoiseSources.TorchCpu;

    /// <summary>Number of images, each with its own seed.</summary>
    public int BatchCount { get; init; } = 1;

    /// <summary>Produce a cheap latent preview image with each step event.</summary>
    public bool StepPreviews { get; init; }
}
