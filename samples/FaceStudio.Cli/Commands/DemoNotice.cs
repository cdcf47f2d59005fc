namespace FaceStudio.Cli.Commands;

/// <summary>What the CLI says whenever it runs the demo pack: random weights, and where real models come from.</summary>
internal static class DemoNotice
{
    /// <summary>The notice, one paragraph.</summary>
    public const string Text =
        "The demo pack's models have RANDOM weights: they run the whole pipeline but draw noise, and its face detector "
        + "reports random boxes. Real weights: Stable Diffusion 1.5 (CreativeML OpenRAIL-M), IP-Adapter-FaceID "
        + "(non-commercial, built on InsightFace) and InsightFace buffalo_l (non-commercial research only); "
        + "the tools/export scripts turn them into a pack (docs/export.md), then pass --models DIR.";
}
