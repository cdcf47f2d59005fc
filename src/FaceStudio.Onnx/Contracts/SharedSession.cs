using FaceStudio.Core.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// An <see cref="InferenceSession"/> shared by concurrent callers. Each use holds a lease; disposing the owner
/// while uses are in flight terminates their runs (<see cref="Closing"/>) and defers the native release (the session
/// and any companion buffers) until the last lease ends, so a run never sees a freed session, and the release still
/// happens deterministically (on the owner's dispose or the last lease's end).
/// </summary>
internal sealed class SharedSession : IDisposable
{
    private readonly bool _owns;
    private readonly IDisposable? _companion;
    private readonly DisposeGate _gate = new();

    /// <param name="session">The session.</param>
    /// <param name="owns">Dispose the session on release.</param>
    /// <param name="companion">Freed on release too, after the session (e.g. buffers the runs write into).</param>
    public SharedSession(InferenceSession session, bool owns, IDisposable? companion = null)
    {
        Session = session;
        _owns = owns;
        _companion = companion;
    }

    public InferenceSession Session { get; }

    /// <summary>Cancelled when the owner is disposed: runs in flight terminate at once.</summary>
    public CancellationToken Closing => _gate.Closing;

    /// <summary>Starts a use; throws <see cref="ObjectDisposedException"/> once the owner is disposed.</summary>
    public Lease Acquire()
    {
        _gate.Enter(this);
        return new Lease(this);
    }

    public void Dispose()
    {
        if (_gate.Close())
        {
            ReleaseNative();
        }
    }

    private void Release()
    {
        if (_gate.Exit())
        {
            ReleaseNative();
        }
    }

    private void ReleaseNative()
    {
        if (_owns)
        {
            Session.Dispose();
        }

        _companion?.Dispose();
        _gate.Dispose();
    }

    /// <summary>One use of the session; dispose exactly once.</summary>
    internal readonly struct Lease(SharedSession owner) : IDisposable
    {
        public void Dispose() => owner?.Release();
    }
}
