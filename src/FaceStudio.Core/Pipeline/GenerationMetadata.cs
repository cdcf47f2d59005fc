using FaceStudio.Core.Guidance;
using FaceStudio.Core.Regions;

namespace FaceStudio.Core.Pipeline;

/// <summary>How a request was run.</summary>
public sealed record GenerationMetadata
{
    /// <summary>Seed of the first image (image i used <c>Seed + i</c>).</summary>
    public required long Seed { get; init; }

    /// <summary>Noise source name (see <see cref="Randomness.NoiseSources"/>).</summary>
    public string Noise { get; init; } = Randomness.NoiseSources.TorchCpu;

    /// <summary>Scheduler name.</summary>
    public required string Scheduler { get; init; }

    /// <summary>Inference steps requested.</summary>
    public required int Steps { get; init; }

    /// <summary>Denoiser evaluations per image (schedulers such as Heun call the model more than once per step).</summary>
    public required int ModelCalls { get; init; }

    /// <summary>Image width.</summary>
    public required int Width { get; init; }

    /// <summary>Image height.</summary>
    public required int Height { get; init; }

    /// <summary>Guidance scale.</summary>
    public required float GuidanceScale { get; init; }

    /// <summary>Hybrid-guidance α.</summary>
    public required float Alpha { get; init; }

    /// <summary>Native or composed regions; null for text-only generation.</summary>
    public RegionMode? RegionMode { get; init; }

    /// <summary>The regions used, one per identity, in latent cells (x, y, width, height of each mask's bounding box).</summary>
    public IReadOnlyList<RegionBox> Regions { get; init; } = [];

    /// <summary>Wall time per stage.</summary>
    public required StageTimings Timings { get; init; }
}
