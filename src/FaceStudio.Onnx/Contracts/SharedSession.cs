using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Contracts;

/// <summary>
/// An <see cref="InferenceSession"/> shared by concurrent callers. Each use holds a lease; disposing the owner
/// while uses are in flight defers the native release until the last lease ends, so a run never sees a freed
/// session, and the release still happens deterministically (on the owner's dispose or the last lease's end).
/// </summary>
internal sealed class SharedSession : IDisposable
{
    private readonly bool _owns;
    private readonly Lock _gate = new();
    private int _leases;
    private bool _disposeRequested;

    public SharedSession(InferenceSession session, bool owns)
    {
        Session = session;
        _owns = owns;
    }

    public InferenceSession Session { get; }

    /// <summary>Starts a use; throws <see cref="ObjectDisposedException"/> once the owner is disposed.</summary>
    public Lease Acquire()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposeRequested, this);
            _leases++;
        }

        return new Lease(this);
    }

    public void Dispose()
    {
        bool releaseNow;
        lock (_gate)
        {
            if (_disposeRequested)
            {
                return;
            }

            _disposeRequested = true;
            releaseNow = _leases == 0;
        }

        if (releaseNow && _owns)
        {
            Session.Dispose();
        }
    }

    private void Release()
    {
        bool releaseNow;
        lock (_gate)
        {
            _leases--;
            releaseNow = _disposeRequested && _leases == 0;
        }

        if (releaseNow && _owns)
        {
            Session.Dispose();
        }
    }

    /// <summary>One use of the session; dispose exactly once.</summary>
    internal readonly struct Lease(SharedSession owner) : IDisposable
    {
        public void Dispose() => owner?.Release();
    }
}
