using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Randomness;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Benchmarks.Scheduling;

/// <summary>
/// One scheduler call (ScaleModelInput + Step) on SD1.5-shaped latents [2, 4, 64, 64] with a 25-step schedule.
/// When the schedule runs out it restarts (Reset + restoring the initial latents, amortised over the schedule's calls).
/// </summary>
/// <remarks>Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*SchedulerStep*'</remarks>
[MemoryDiagnoser]
public class SchedulerStepBenchmarks
{
    private const int Length = 2 * 4 * 64 * 64;
    private readonly float[] _initial = new float[Length];
    private readonly float[] _sample = new float[Length];
    private readonly float[] _input = new float[Length];
    private readonly float[] _modelOutput = new float[Length];
    private IScheduler _scheduler = null!;
    private int _index;

    /// <summary>Every catalog name.</summary>
    public static IEnumerable<string> Names => SchedulerCatalog.Names;

    /// <summary>The scheduler under test.</summary>
    [ParamsSource(nameof(Names))]
    public string Scheduler { get; set; } = SchedulerCatalog.Euler;

    /// <summary>Builds the scheduler and deterministic latents.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scheduler = SchedulerCatalog.Create(Scheduler, noise: new PhiloxNoiseSource(1));
        _scheduler.SetTimesteps(25);
        var noise = new PhiloxNoiseSource(2);
        noise.NextGaussian(_initial);
        noise.NextGaussian(_modelOutput);
        Restart();
    }

    /// <summary>One model call's worth of scheduler work.</summary>
    [Benchmark]
    public float ScaleAndStep()
    {
        if (_index == _scheduler.Timesteps.Length)
        {
            Restart();
        }

        _scheduler.ScaleModelInput(_sample, _input, _index);
        _scheduler.Step(_modelOutput, _index, _sample);
        _index++;
        return _sample[0];
    }

    private void Restart()
    {
        _scheduler.Reset();
        _initial.CopyTo(_sample);
        _index = 0;
    }
}
