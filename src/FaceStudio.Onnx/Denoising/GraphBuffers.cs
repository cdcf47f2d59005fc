using System.Globalization;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;

namespace FaceStudio.Onnx.Denoising;

/// <summary>
/// The one set of device bindings a CUDA-graph denoiser uses for its whole life. ONNX Runtime captures the graph
/// on the session's first run and replays it with that run's addresses, and cannot capture again on the same
/// session; so the first generation allocates the buffers for its shapes, every later generation with the same
/// shapes rewrites its conditioning into them, a generation with other shapes is rejected, and only one
/// generation may hold them at a time. A second concurrent generation is rejected rather than made to wait:
/// <see cref="IDenoiser.CreateSession"/> takes no cancellation token, and a caller that opens several sessions
/// at once (one per guidance run) would wait on itself forever. Freed when the denoiser is disposed (or, if a
/// generation still holds them then, when it ends).
/// </summary>
internal sealed class GraphBuffers : IDisposable
{
    private readonly Lock _gate = new();
    private DeviceContext? _device;
    private OnnxDenoiserSession.Chunk? _chunk;
    private GraphShape? _captured;
    private bool _held;
    private bool _disposed;

    /// <summary>Takes the buffers for one generation, allocating them on first use.</summary>
    public OnnxDenoiserSession.Chunk Enter(OnnxDenoiser owner, FloatTensor ehs, IdentityConditioning? identity, LatentShape shape)
    {
        var asked = new GraphShape(shape, ehs.Dim(1), identity?.Tokens.Dim(1), identity?.Tokens.Dim(2));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
            if (_held)
            {
                throw new FaceStudioValidationException("CudaGraph",
                    "With CUDA graphs the denoiser runs one generation at a time (every generation replays the same captured graph on the same device buffers); " +
                    "another denoiser session is still open: dispose it before creating the next, or disable CudaGraph.");
            }

            if (_captured is { } captured && captured != asked)
            {
                throw new FaceStudioValidationException(nameof(shape),
                    $"The CUDA graph of this denoiser was captured for {captured} but {asked} was asked; ONNX Runtime cannot capture again on the same session: " +
                    "keep one shape per loaded model (or load another) or disable CudaGraph.");
            }

            _held = true;
        }

        try
        {
            if (_chunk is null)
            {
                DeviceContext device = DeviceContext.Create(owner)!;
                try
                {
                    _chunk = new OnnxDenoiserSession.Chunk(device, owner, ehs, identity, shape, 0, shape.Batch);
                }
                catch
                {
                    device.Dispose();
                    throw;
                }

                _device = device;
                _captured = asked;
            }
            else
            {
                _chunk.Rewrite(ehs, identity);
            }

            return _chunk;
        }
        catch
        {
            Exit();
            throw;
        }
    }

    /// <summary>Ends a generation's hold.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _held = false;
            if (_disposed)
            {
                Free();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (!_held)
            {
                Free();
            }
        }
    }

    private void Free()
    {
        _chunk?.Dispose();
        _device?.Dispose();
        _chunk = null;
        _device = null;
    }

    /// <summary>The shapes a captured graph is fixed to.</summary>
    private readonly record struct GraphShape(LatentShape Latent, int ContextTokens, int? Identities, int? IdentityTokens)
    {
        public override string ToString()
        {
            string identities = Identities is { } n
                ? string.Create(CultureInfo.InvariantCulture, $"{n} identities of {IdentityTokens} tokens")
                : "no identity inputs";
            return string.Create(CultureInfo.InvariantCulture,
                $"latent [{Latent.Batch}, {Latent.Channels}, {Latent.Height}, {Latent.Width}], {ContextTokens} context tokens, {identities}");
        }
    }
}
