using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceStudio.Jobs.Tests;

/// <summary>
/// A private redis-server on 127.0.0.1 and a free port, in a temporary folder; optionally with AOF
/// (appendonly yes, appendfsync always). Can be killed (SIGKILL) and restarted on the same port and folder.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly bool _aof;
    private Process? _process;

    private RedisServer(bool aof)
    {
        _aof = aof;
        Directory = Path.Combine(Path.GetTempPath(), "fs-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Connection string for StackExchange.Redis.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=3000,asyncTimeout=3000";

    public static RedisServer Start(bool aof = false)
    {
        var server = new RedisServer(aof);
        server.Launch();
        return server;
    }

    /// <summary>Path of redis-server (PATH, /usr/bin, /usr/local/bin).</summary>
    public static string Executable()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]))
        {
            string path = Path.Combine(dir, "redis-server");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server); .ci/run installs it.");
    }

    public void Launch()
    {
        var start = new ProcessStartInfo(Executable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (string arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--save", string.Empty, "--appendonly", _aof ? "yes" : "no", "--appendfsync", "always",
            "--daemonize", "no", "--protected-mode", "no", "--logfile", Path.Combine(Directory, "redis.log"),
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {Log()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                using NetworkStream stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[64];
                int n = stream.Read(buffer);
                if (n > 0 && System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Loading the AOF.
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException($"redis-server did not answer PING within 15 s: {Log()}");
    }

    /// <summary>SIGKILL: no shutdown save; only what the AOF holds survives.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public string Log()
    {
        string path = Path.Combine(Directory, "redis.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
