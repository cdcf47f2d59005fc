using System.Diagnostics;
using System.Globalization;
using FaceStudio.Core.Pipeline;
using FaceStudio.CpuBench;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

// Usage: FaceStudio.CpuBench components|pipeline --pack DIR [--size 512] [--steps 6] [--runs 5] [--threads 2]
//        [--no-arena] [--no-memory-pattern] [--eager-vae-encoder] [--low-memory] [--no-arena-shrinkage] [--release-text-encoder]
//        [--disable-prepacking]
//        [--identities PHOTO,PHOTO] [--label TEXT]
//        FaceStudio.CpuBench extract-faces DIR   (the shipped face models, for the identity pack run.sh builds)
if (args is ["extract-faces", string faceDirectory])
{
    FaceStudio.Models.Faces.FaceModels.ExtractTo(faceDirectory);
    return 0;
}

var arguments = BenchArguments.Parse(args);
var session = new OnnxSessionOptions
{
    IntraOpThreads = arguments.Threads,
    InterOpThreads = 1,
    EnableCpuMemoryArena = arguments.Arena,
    EnableMemoryPattern = arguments.MemoryPattern,
    ShrinkCpuArenaAfterRun = arguments.ShrinkArena,
};
string config = arguments.Label;
if (arguments.DisablePrepacking && arguments.Mode == "components")
{
    throw new ArgumentException("--disable-prepacking is measured in pipeline mode only.");
}
Report.Line("start", config, ("rss_gib", Rss.CurrentGiB()));

if (arguments.Mode == "components")
{
    var factory = new SessionFactory();
    int latent = arguments.Size / 8;

    double before = Rss.CurrentGiB();
    var sw = Stopwatch.StartNew();
    using (InferenceSession text = factory.Create(Path.Combine(arguments.Pack, "text_encoder", "model.onnx"), session))
    {
        double load = sw.Elapsed.TotalSeconds;
        Report.Line("load", config, ("component", "text_encoder"), ("seconds", load), ("rss_delta_gib", Rss.CurrentGiB() - before));
        using var inputs = GraphInputs.For(text, 2, latent);
        sw.Restart();
        inputs.Run(text);
        Report.Line("run", config, ("component", "text_encoder"), ("seconds", sw.Elapsed.TotalSeconds), ("peak_gib", Rss.PeakGiB()));
    }

    before = Rss.CurrentGiB();
    sw.Restart();
    using (InferenceSession unet = factory.Create(Path.Combine(arguments.Pack, "unet", "model.onnx"), session))
    {
        Report.Line("load", config, ("component", "unet"), ("seconds", sw.Elapsed.TotalSeconds), ("rss_delta_gib", Rss.CurrentGiB() - before));
        using var inputs = GraphInputs.For(unet, 2, latent);
        sw.Restart();
        inputs.Run(unet);
        Report.Line("first_run", config, ("component", "unet"), ("seconds", sw.Elapsed.TotalSeconds));
        var times = new List<double>();
        for (int i = 0; i < arguments.Runs; i++)
        {
            sw.Restart();
            inputs.Run(unet);
            times.Add(sw.Elapsed.TotalSeconds);
        }

        times.Sort();
        Report.Line("run", config, ("component", "unet"), ("seconds", times[times.Count / 2]), ("runs", times.Count), ("peak_gib", Rss.PeakGiB()), ("rss_after_gib", Rss.CurrentGiB()));
    }

    before = Rss.CurrentGiB();
    sw.Restart();
    using (InferenceSession vae = factory.Create(Path.Combine(arguments.Pack, "vae_decoder", "model.onnx"), session))
    {
        Report.Line("load", config, ("component", "vae_decoder"), ("seconds", sw.Elapsed.TotalSeconds), ("rss_delta_gib", Rss.CurrentGiB() - before));
        using var inputs = GraphInputs.For(vae, 1, latent);
        var times = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            sw.Restart();
            inputs.Run(vae);
            times.Add(sw.Elapsed.TotalSeconds);
        }

        Report.Line("run", config, ("component", "vae_decoder"), ("seconds", times.Min()), ("peak_gib", Rss.PeakGiB()), ("rss_after_gib", Rss.CurrentGiB()));
    }

    Report.Line("end", config, ("peak_gib", Rss.PeakGiB()));
}
else
{
    await PipelineRun.RunAsync(arguments, session);
}

return 0;
