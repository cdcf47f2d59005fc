using System.Diagnostics;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.CpuBench;

/// <summary>
/// Creates sessions like <see cref="SessionFactory"/>, adds the benchmark's extra session config entries (levers the
/// SDK does not expose), and reports each load: component, seconds, RSS delta.
/// </summary>
internal sealed class MeasuringSessionFactory(string config, IReadOnlyDictionary<string, string> entries) : ISessionFactory
{
    private readonly SessionFactory _inner = new();

    public InferenceSession Create(string modelPath, OnnxSessionOptions options)
    {
        using SessionOptions so = _inner.CreateSessionOptions(options);
        foreach ((string key, string value) in entries)
        {
            so.AddSessionConfigEntry(key, value);
        }

        double before = Rss.CurrentGiB();
        var sw = Stopwatch.StartNew();
        var session = new InferenceSession(modelPath, so);
        string component = Path.GetFileName(modelPath) == "model.onnx" ? Path.GetFileName(Path.GetDirectoryName(modelPath)) ?? modelPath : Path.GetFileNameWithoutExtension(modelPath);
        Report.Line("load", config, ("component", component), ("seconds", sw.Elapsed.TotalSeconds),
            ("rss_delta_gib", Rss.CurrentGiB() - before), ("peak_gib", Rss.PeakGiB()));
        return session;
    }
}
