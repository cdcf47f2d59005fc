namespace FaceStudio.Onnx.Sessions;

/// <summary>
/// One model that is loaded on demand and, with <see cref="ComponentResidency.ReleaseAfterUse"/>, released when its
/// last user is done. Every use holds a <see cref="Use"/>; one load serves every user that arrives while it is
/// loaded, however many arrive together. Disposing releases the loaded model at once (its own guard lets runs in
/// flight end first) and refuses new uses.
/// </summary>
/// <typeparam name="T">The loaded component.</typeparam>
internal sealed class ResidentComponent<T> : IDisposable
    where T : class, IDisposable
{
    private readonly Func<T> _load;
    private readonly Lock _gate = new();
    private T? _loaded;
    private int _users;
    private int _loads;
    private bool _disposed;

    /// <param name="load">Loads the component.</param>
    /// <param name="residency">Keep it loaded, or release it when unused.</param>
    /// <param name="loaded">An instance loaded already (e.g. to read its metadata); with
    /// <see cref="ComponentResidency.ReleaseAfterUse"/> it is released at once, and owned either way.</param>
    public ResidentComponent(Func<T> load, ComponentResidency residency, T? loaded = null)
    {
        _load = load;
        Residency = residency;
        if (loaded is not null)
        {
            if (residency == ComponentResidency.ReleaseAfterUse)
            {
                loaded.Dispose();
            }
            else
            {
                _loaded = loaded;
            }
        }
    }

    /// <summary>Whether the component stays loaded between uses.</summary>
    public ComponentResidency Residency { get; }

    /// <summary>Whether the component is loaded now.</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_gate)
            {
                return _loaded is not null;
            }
        }
    }

    /// <summary>How many times <see cref="Acquire"/> loaded the component (not counting an instance passed in).</summary>
    public int Loads
    {
        get
        {
            lock (_gate)
            {
                return _loads;
            }
        }
    }

    /// <summary>Starts a use, loading the component if it is not loaded; dispose the use exactly once.</summary>
    /// <exception cref="ObjectDisposedException">The owner was disposed.</exception>
    public Use Acquire()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loaded is null)
            {
                _loaded = _load();
                _loads++;
            }

            _users++;
            return new Use(this, _loaded);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        T? release;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            release = _loaded;
            _loaded = null;
        }

        release?.Dispose();
    }

    private void Release()
    {
        T? release = null;
        lock (_gate)
        {
            if (--_users == 0 && Residency == ComponentResidency.ReleaseAfterUse && !_disposed)
            {
                release = _loaded;
                _loaded = null;
            }
        }

        release?.Dispose();
    }

    /// <summary>One use of the loaded component.</summary>
    internal sealed class Use(ResidentComponent<T> owner, T component) : IDisposable
    {
        private int _ended;

        /// <summary>The loaded component, valid until this use is disposed.</summary>
        public T Component { get; } = component;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
