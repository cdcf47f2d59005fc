namespace FaceStudio.Cli.Commands;

/// <summary>What the CLI says whenever it runs the demo pack: which models are real, which random, and where real models come from.</summary>
internal static class DemoNotice
{
    /// <summary>The notice, one paragraph.</summary>
    public const string Text =
        "The demo pack's face models are real (BlazeFace + FaceMesh find and align faces, MobileFace embeds them, 256-d; "
        + "from FaceStudio.Models.Faces), but its denoiser, text encoder, VAE and projector have RANDOM weights: they run "
        + "the whole pipeline but draw noise. Real weights: Stable Diffusion 1.5 (CreativeML OpenRAIL-M), IP-Adapter-FaceID "
        + "(non-commercial, built on InsightFace) and InsightFace buffalo_l (non-commercial research only); "
        + "tools/export/make-pack.sh turns them into a pack in one command (docs/export.md), then pass --models DIR.";
}
