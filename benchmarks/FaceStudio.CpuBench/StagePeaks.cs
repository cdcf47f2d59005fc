using System.Diagnostics;
using FaceStudio.Core.Pipeline;

namespace FaceStudio.CpuBench;

/// <summary>
/// Receives the pipeline's progress synchronously and, at every stage change, records the stage's duration and its own
/// peak RSS (VmHWM, reset at each stage start through /proc/self/clear_refs), plus the time of every denoising step.
/// </summary>
internal sealed class StagePeaks : IProgress<GenerationProgress>
{
    private readonly Stopwatch _stage = new();
    private readonly Stopwatch _step = new();
    private GenerationStage? _current;

    public List<(GenerationStage Stage, double Seconds, double PeakGiB)> Stages { get; } = [];

    public List<double> StepSeconds { get; } = [];

    /// <summary>The highest stage peak (the whole run's peak when the reset happened before it started).</summary>
    public double MaxPeakGiB => Stages.Count == 0 ? double.NaN : Stages.Max(s => s.PeakGiB);

    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    public void Report(GenerationProgress value)
    {
        if (value.Stage == GenerationStage.Denoising)
        {
            if (_current == GenerationStage.Denoising)
            {
                StepSeconds.Add(_step.Elapsed.TotalSeconds);
            }

            _step.Restart();
        }

        if (value.Stage != _current)
        {
            Close();
            _current = value.Stage;
            _stage.Restart();
            _step.Restart();
        }
    }

    private void Close()
    {
        if (_current is { } stage && stage != GenerationStage.Completed)
        {
            Stages.Add((stage, _stage.Elapsed.TotalSeconds, Rss.PeakGiB()));
            ResetPeak();
        }
    }
}
