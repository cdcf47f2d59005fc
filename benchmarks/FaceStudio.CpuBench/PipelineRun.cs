using System.Diagnostics;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Regions;
using FaceStudio.Imaging;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;

namespace FaceStudio.CpuBench;

/// <summary>
/// One generation end to end through the SDK's pipeline (text-to-image, or two identities from photos with a region
/// each): every session load (seconds, RSS delta), each stage's time and own peak RSS, the UNet step (median of the
/// steps after the first), the VAE decode, time to first image and the process's peak RSS.
/// </summary>
internal static class PipelineRun
{
    public static async Task RunAsync(BenchArguments arguments, OnnxSessionOptions session)
    {
        string config = arguments.Label;
        var entries = new Dictionary<string, string>(arguments.SessionConfig);
        if (arguments.DisablePrepacking)
        {
            entries["session.disable_prepacking"] = "1";
        }

        var options = new PipelineSessionOptions { Default = session, LoadVaeEncoderOnFirstUse = arguments.LazyVaeEncoder, LowMemory = arguments.LowMemory,
            TextEncoderResidency = arguments.ReleaseTextEncoder ? ComponentResidency.ReleaseAfterUse : ComponentResidency.Keep,
        };
        var factory = new MeasuringSessionFactory(config, entries);
        var identities = new List<IdentityInput>();
        var codec = new SkiaImageCodec();
        for (int i = 0; i < arguments.IdentityPhotos.Count; i++)
        {
            string photo = arguments.IdentityPhotos[i];
            float width = arguments.Size / (float)arguments.IdentityPhotos.Count;
            identities.Add(IdentityInput.FromPhotos(new IdentityPhoto(Path.GetFileName(photo), codec.Decode(photo))) with
            {
                Region = IdentityRegion.FromBox(RegionBox.FromSize(i * width, 0, width, arguments.Size)),
            });
        }

        StagePeaks.ResetPeak();
        var sw = Stopwatch.StartNew();
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseModelPack(ModelPack.Load(arguments.Pack), options, factory).Build();
        double load = sw.Elapsed.TotalSeconds;
        double loadPeak = Rss.PeakGiB();
        Report.Line("pipeline_load", config, ("seconds", load), ("rss_gib", Rss.CurrentGiB()), ("peak_gib", loadPeak));

        var stages = new StagePeaks();
        StagePeaks.ResetPeak();
        sw.Restart();
        GenerationResult result = await pipeline.GenerateAsync(new GenerationRequest
        {
            Prompt = "a portrait photo of a person",
            Width = arguments.Size,
            Height = arguments.Size,
            Steps = arguments.Steps,
            Scheduler = "euler",
            Seed = 1,
            Identities = identities,
        }, stages);
        double generate = sw.Elapsed.TotalSeconds;
        stages.Report(new GenerationProgress(GenerationStage.Completed, 0, 0, 0));
        foreach ((GenerationStage stage, double seconds, double peak) in stages.Stages)
        {
            Report.Line("stage", config, ("stage", stage.ToString()), ("seconds", seconds), ("peak_gib", peak));
        }

        var steps = stages.StepSeconds.Order().ToList();
        string path = identities.Count == 0 ? "txt2img" : $"identities{identities.Count}";
        Report.Line(path, config, ("size", arguments.Size), ("load_seconds", load), ("generate_seconds", generate), ("first_image_seconds", load + generate),
            ("steps", arguments.Steps), ("unet_step_seconds", steps.Count == 0 ? double.NaN : steps[steps.Count / 2]), ("step_samples", steps.Count),
            ("decode_seconds", result.Metadata.Timings.Decoding.TotalSeconds), ("images", result.Images.Count),
            ("peak_gib", Math.Max(loadPeak, stages.MaxPeakGiB)), ("load_peak_gib", loadPeak), ("generate_peak_gib", stages.MaxPeakGiB));
    }
}
