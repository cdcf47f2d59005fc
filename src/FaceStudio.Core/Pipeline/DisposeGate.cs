namespace FaceStudio.Core.Pipeline;

/// <summary>
/// The lifetime guard of an object whose calls may still be running when it is disposed: every call enters and
/// exits the gate; closing it refuses new calls, cancels <see cref="Closing"/> (so running calls stop at their next
/// check or native terminate) and tells when the last call has left, so resources are freed only after that.
/// </summary>
internal sealed class DisposeGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly ManualResetEventSlim _idle = new(initialState: true);
    private int _inFlight;
    private bool _closed;

    /// <summary>Cancelled when the gate closes.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Whether the gate has been closed.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Starts a call; false once the gate is closed.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (_inFlight++ == 0)
            {
                _idle.Reset();
            }

            return true;
        }
    }

    /// <summary>Starts a call; throws <see cref="ObjectDisposedException"/> naming <paramref name="owner"/> once closed.</summary>
    public void Enter(object owner)
    {
        if (!TryEnter())
        {
            throw new ObjectDisposedException(owner.GetType().FullName);
        }
    }

    /// <summary>Ends a call; true when the gate is closed and this was the last call (the caller then frees).</summary>
    public bool Exit()
    {
        lock (_lock)
        {
            if (--_inFlight != 0)
            {
                return false;
            }

            _idle.Set();
            return _closed;
        }
    }

    /// <summary>
    /// Refuses new calls and cancels <see cref="Closing"/>. True when nothing is in flight (the caller frees now);
    /// false when calls remain (the last <see cref="Exit"/> returns true) or the gate was already closed.
    /// </summary>
    public bool Close()
    {
        bool idle;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            idle = _inFlight == 0;
        }

        _closing.Cancel();
        return idle;
    }

    /// <summary>Blocks until no call is in flight (after <see cref="Close"/>, until the last one has left).</summary>
    public void WaitIdle() => _idle.Wait();

    /// <summary>Frees the gate's handles; call once nothing is in flight (after the last call has left).</summary>
    public void Dispose()
    {
        _closing.Dispose();
        _idle.Dispose();
    }
}
