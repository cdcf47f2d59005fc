using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FaceStudio.Core.Pipeline;

/// <summary>
/// The pipeline's traces and metrics. Listen with OpenTelemetry (<c>AddSource</c>/<c>AddMeter</c>) or
/// <c>dotnet-counters</c> using <see cref="Name"/>.
/// </summary>
public sealed class FaceStudioTelemetry : IDisposable
{
    /// <summary>Name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>.</summary>
    public const string Name = "FaceStudio.Pipeline";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <summary>Creates the instruments, from <paramref name="meterFactory"/> when given (DI), else on an owned meter.</summary>
    public FaceStudioTelemetry(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        ActivitySource = new ActivitySource(Name);
        Steps = _meter.CreateCounter<long>("facestudio.steps", "{step}", "Denoiser steps run.");
        StepDuration = _meter.CreateHistogram<double>("facestudio.step.duration", "ms", "Wall time of one denoise step (denoiser run plus scheduler).");
        StageDuration = _meter.CreateHistogram<double>("facestudio.stage.duration", "ms", "Wall time of a pipeline stage; tag 'stage'.");
        StepsPerSecond = _meter.CreateHistogram<double>("facestudio.steps_per_second", "{step}/s", "Denoise loop throughput per request.");
        Images = _meter.CreateCounter<long>("facestudio.images", "{image}", "Images generated.");
    }

    /// <summary>Traces: one activity, <c>facestudio.generate</c>, per request (tags: scheduler, steps, identities); stage times go to the <c>facestudio.stage.duration</c> histogram.</summary>
    public ActivitySource ActivitySource { get; }

    internal Counter<long> Steps { get; }

    internal Histogram<double> StepDuration { get; }

    internal Histogram<double> StageDuration { get; }

    internal Histogram<double> StepsPerSecond { get; }

    internal Counter<long> Images { get; }

    internal void RecordStage(GenerationStage stage, TimeSpan elapsed) =>
        StageDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage.ToString()));

    /// <inheritdoc />
    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
