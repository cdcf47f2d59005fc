using Microsoft.Extensions.Options;

namespace FaceStudio.Web;

/// <summary>
/// Bounds how many uploaded images are decoded at once across all requests
/// (<see cref="GenerateEndpointOptions.MaxConcurrentDecodes"/>): each decode holds its pixels in memory.
/// </summary>
internal sealed class UploadDecodeGate(IOptions<GenerateEndpointOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentDecodes, options.Value.MaxConcurrentDecodes);

    /// <summary>Waits for a decode slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
