using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace FaceStudio.Jobs.Tests;

/// <summary>samples/FaceStudio.Worker in its own process (<c>dotnet FaceStudio.Worker.dll …</c>), output captured.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private WorkerProcess(Process process, string consumer)
    {
        _process = process;
        Consumer = consumer;
    }

    public string Consumer { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static string WorkerDll => typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerDll").Value!;

    /// <summary>
    /// Starts a worker on <paramref name="redis"/> with short test timings (claim idle 3 s, heartbeat 0.5 s, poll 0.2 s);
    /// <paramref name="settings"/> (key, value) override or add configuration.
    /// </summary>
    public static WorkerProcess Start(string redis, string demoCache, string consumer, params (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(WorkerDll);
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FaceStudio:Jobs:Redis"] = redis,
            ["FaceStudio:Jobs:Consumer"] = consumer,
            ["FaceStudio:Jobs:ClaimIdleTime"] = "00:00:03",
            ["FaceStudio:Jobs:HeartbeatInterval"] = "00:00:00.5",
            ["FaceStudio:Jobs:PollInterval"] = "00:00:00.2",
            ["FaceStudio:Jobs:ShutdownGrace"] = "00:00:05",
            ["FaceStudio:DemoCacheDirectory"] = demoCache,
            ["FaceStudio:IntraOpThreads"] = "1",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach ((string key, string value) in settings)
        {
            config[key] = value;
        }

        foreach ((string key, string value) in config)
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_TieredPGO"] = "0";
        Process process = Process.Start(start) ?? throw new InvalidOperationException("The worker did not start.");
        var worker = new WorkerProcess(process, consumer);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no hand-back.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM (what docker stop sends); waits up to <paramref name="timeout"/> for the exit.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit(5000);
        }

        return _process.WaitForExit(timeout);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
