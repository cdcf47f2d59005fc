using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;
using FaceStudio.Onnx.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Denoising;

/// <summary>
/// One generation's bindings. Every tensor is allocated and bound once; a step writes the sample and timestep
/// into the bound buffers, runs, and reads the bound output, so the CPU path allocates nothing per step.
/// The batch is one run (classifier-free guidance rows together) unless the graph fixes a smaller batch.
/// In CUDA-graph mode the bindings are not the session's: they belong to the denoiser's
/// <see cref="GraphBuffers"/>, are reused by every later session (conditioning rewritten in place) and are freed
/// with the denoiser.
/// </summary>
internal sealed class OnnxDenoiserSession : IDenoiserSession
{
    private readonly LatentShape _shape;
    private readonly Chunk[] _chunks;
    private readonly RunOptions _runOptions = new();
    private readonly DeviceContext? _device;
    private readonly GraphBuffers? _graph;
    private readonly SharedSession.Lease _lease;
    private bool _disposed;

    public OnnxDenoiserSession(OnnxDenoiser owner, DenoiserConditioning conditioning, LatentShape shape, SharedSession.Lease lease)
    {
        _lease = lease;
        _shape = shape;
        DenoiserCapabilities caps = owner.Capabilities;
        Validate(caps, conditioning, shape);
        int chunkBatch = caps.FixedBatchSize ?? shape.Batch;
        int chunkCount = shape.Batch / chunkBatch;
        if (owner.Options.CudaGraph && chunkCount > 1)
        {
            // ONNX Runtime captures one graph per session and replays it with the first run's bound addresses.
            throw new FaceStudioValidationException(nameof(shape), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"With CUDA graphs every step must be one run, but the UNet fixes its batch to {chunkBatch} and the latent batch {shape.Batch} would take {chunkCount} runs; use a UNet with a dynamic batch (or batch {shape.Batch}), or disable CudaGraph."));
        }

        if (owner.Options.ShrinkCpuArenaAfterRun)
        {
            OrtRun.ShrinkCpuArenaAfterRun(_runOptions);
        }

        IdentityConditioning? identity = caps.SupportsIdentityRegions ? conditioning.Identity ?? Neutral(owner, shape) : null;
        if (owner.Options.CudaGraph)
        {
            // Enter releases its hold itself when it throws; nothing of this session's is allocated yet.
            _chunks = [owner.Graph!.Enter(owner, conditioning.EncoderHiddenStates, identity, shape)];
            _graph = owner.Graph;
            return;
        }

        try
        {
            _device = DeviceContext.Create(owner);
            _chunks = new Chunk[chunkCount];
            for (int i = 0; i < chunkCount; i++)
            {
                _chunks[i] = new Chunk(_device, owner, conditioning.EncoderHiddenStates, identity, shape, i * chunkBatch, chunkBatch);
            }
        }
        catch
        {
            DisposeResources();
            throw;
        }
    }

    /// <summary>Tests only: the data addresses of the first chunk's device tensors (inputs in binding order, then the output).</summary>
    internal unsafe nint[] DeviceAddresses()
    {
        IReadOnlyList<OrtValue> values = _chunks[0].DeviceValues;
        var addresses = new nint[values.Count];
        for (int i = 0; i < addresses.Length; i++)
        {
            fixed (byte* data = values[i].GetTensorMutableRawData())
            {
                addresses[i] = (nint)data;
            }
        }

        return addresses;
    }

    public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sample.Length != _shape.Length || prediction.Length != _shape.Length)
        {
            throw new FaceStudioValidationException(nameof(sample), $"Sample and prediction must hold {_shape.Length} values ({_shape}); got {sample.Length} and {prediction.Length}.");
        }

        if (!float.IsFinite(timestep))
        {
            throw new FaceStudioValidationException(nameof(timestep), $"Timestep must be finite; got {timestep}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        // The options live as long as the session: a token that fired after an earlier step's run had returned
        // left Terminate set with no run to stop, which would fail every later step. This step's token is live.
        if (_runOptions.Terminate)
        {
            _runOptions.Terminate = false;
        }

        using CancellationTokenRegistration registration = OrtRun.Register(_runOptions, cancellationToken);
        int chunkLength = sample.Length / _chunks.Length;
        try
        {
            for (int i = 0; i < _chunks.Length; i++)
            {
                _chunks[i].Run(sample.Slice(i * chunkLength, chunkLength), timestep, prediction.Slice(i * chunkLength, chunkLength), _runOptions);
            }
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtRun.Translate(ex, _runOptions, cancellationToken, "UNet");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            DisposeResources();
            _lease.Dispose();
        }
    }

    private void DisposeResources()
    {
        if (_graph is not null)
        {
            // The bindings stay with the denoiser for the next generation; only the hold ends.
            _graph.Exit();
        }
        else if (_chunks is not null)
        {
            foreach (Chunk? chunk in _chunks)
            {
                chunk?.Dispose();
            }
        }

        _device?.Dispose();
        _runOptions.Dispose();
    }

    private static void Validate(DenoiserCapabilities caps, DenoiserConditioning conditioning, LatentShape shape)
    {
        if (shape.Batch <= 0 || shape.Height <= 0 || shape.Width <= 0 || shape.Channels != caps.LatentChannels)
        {
            throw new FaceStudioValidationException(nameof(shape), $"Latent shape must be [B > 0, {caps.LatentChannels}, h > 0, w > 0]; got [{shape.Batch}, {shape.Channels}, {shape.Height}, {shape.Width}].");
        }

        long elements = (long)shape.Batch * shape.Channels * shape.Height * shape.Width;
        if (elements > Array.MaxLength)
        {
            throw new FaceStudioValidationException(nameof(shape), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Latent shape [{shape.Batch}, {shape.Channels}, {shape.Height}, {shape.Width}] has {elements} elements; at most {Array.MaxLength} fit in one buffer."));
        }

        if (caps.FixedBatchSize is { } fixedBatch && shape.Batch % fixedBatch != 0)
        {
            throw new FaceStudioValidationException(nameof(shape), $"The UNet fixes its batch to {fixedBatch}; the latent batch must be a multiple of it; got {shape.Batch}.");
        }

        FloatTensor ehs = conditioning.EncoderHiddenStates ?? throw new FaceStudioValidationException(nameof(conditioning), "EncoderHiddenStates is required.");
        if (ehs.Rank != 3 || ehs.Dim(0) != shape.Batch || ehs.Dim(2) != caps.ContextDim || (caps.MaxContextTokens is { } t && ehs.Dim(1) != t))
        {
            string tokens = caps.MaxContextTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "T";
            throw new FaceStudioValidationException("EncoderHiddenStates", $"encoder_hidden_states must be [{shape.Batch}, {tokens}, {caps.ContextDim}]; got {ehs}.");
        }

        if (conditioning.Identity is { } id)
        {
            if (!caps.SupportsIdentityRegions)
            {
                throw new FaceStudioValidationException("Identity", "This UNet has no identity inputs (identity_tokens, identity_masks, identity_scales); use the composed region path instead of passing Identity.");
            }

            int n = id.Tokens.Rank == 4 ? id.Tokens.Dim(1) : -1;
            bool tokensOk = id.Tokens.Rank == 4 && id.Tokens.Dim(0) == shape.Batch && id.Tokens.Dim(3) == caps.ContextDim && (caps.IdentityTokensPerIdentity is not { } fixedK || id.Tokens.Dim(2) == fixedK);
            bool masksOk = id.Masks.Rank == 4 && id.Masks.Dim(0) == shape.Batch && id.Masks.Dim(1) == n && id.Masks.Dim(2) == shape.Height && id.Masks.Dim(3) == shape.Width;
            bool scalesOk = id.Scales.Rank == 2 && id.Scales.Dim(0) == shape.Batch && id.Scales.Dim(1) == n;
            if (!tokensOk || !masksOk || !scalesOk)
            {
                string k = caps.IdentityTokensPerIdentity?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "K";
                throw new FaceStudioValidationException("Identity",
                    $"Identity inputs must be tokens [{shape.Batch}, N, {k}, {caps.ContextDim}], masks [{shape.Batch}, N, {shape.Height}, {shape.Width}], scales [{shape.Batch}, N]; got {id.Tokens}, {id.Masks}, {id.Scales}.");
            }
        }
    }

    // No identities on an identity-aware UNet: one identity with zero scale and empty mask contributes nothing.
    private static IdentityConditioning Neutral(OnnxDenoiser owner, LatentShape shape)
    {
        int k = owner.Capabilities.IdentityTokensPerIdentity ?? 1;
        int n = GraphContract.FixedDim(owner.IdentityTokens!, 1) ?? 1;
        return new IdentityConditioning(
            new FloatTensor(shape.Batch, n, k, owner.Capabilities.ContextDim),
            new FloatTensor(shape.Batch, n, shape.Height, shape.Width),
            new FloatTensor(shape.Batch, n));
    }

    /// <summary>The bindings for a contiguous run of batch rows.</summary>
    internal sealed class Chunk : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly OrtIoBinding _binding;
        private readonly HostTensor _sample;
        private readonly HostTensor _timestep;
        private readonly HostTensor _output;
        private readonly List<HostTensor> _conditioning = [];
        private readonly List<OrtValue> _device = [];
        private readonly List<Action> _conditioningToDevice = [];
        private readonly Action[] _toDevice = [];
        private readonly Action? _toHost;
        private readonly int _row;
        private readonly int _rows;

        public Chunk(DeviceContext? device, OnnxDenoiser owner, FloatTensor ehs, IdentityConditioning? identity, LatentShape shape, int row, int rows)
        {
            _session = owner.Session;
            _row = row;
            _rows = rows;
            _binding = owner.Session.CreateIoBinding();
            try
            {
                long[] latent = [rows, shape.Channels, shape.Height, shape.Width];
                _sample = new HostTensor(owner.Sample.ElementDataType, latent);
                long[] timestepShape = owner.Timestep.Dimensions.Length == 0 ? [] : [GraphContract.FixedDim(owner.Timestep, 0) ?? rows];
                _timestep = new HostTensor(owner.Timestep.ElementDataType, timestepShape);
                _output = new HostTensor(owner.Output.ElementDataType, latent);

                var inputs = new List<(string Name, HostTensor Host)>
                {
                    ("sample", _sample),
                    ("timestep", _timestep),
                    ("encoder_hidden_states", Slice(owner.Context, ehs, row, rows)),
                };
                if (identity is not null)
                {
                    inputs.Add(("identity_tokens", Slice(owner.IdentityTokens!, identity.Tokens, row, rows)));
                    inputs.Add(("identity_masks", Slice(owner.IdentityMasks!, identity.Masks, row, rows)));
                    inputs.Add(("identity_scales", Slice(owner.IdentityScales!, identity.Scales, row, rows)));
                }

                if (device is null)
                {
                    foreach ((string name, HostTensor host) in inputs)
                    {
                        _binding.BindInput(name, host.Value);
                    }

                    _binding.BindOutput("out_sample", _output.Value);
                    return;
                }

                // Device path: every bound tensor lives on the GPU at a fixed address (what CUDA graphs need);
                // conditioning is copied once here, sample and timestep before each step, the output after it.
                CudaTensorCopier copier = device.Copier;
                var toDevice = new List<Action>();
                for (int i = 0; i < inputs.Count; i++)
                {
                    (string name, HostTensor host) = inputs[i];
                    OrtValue bound = OrtValue.CreateAllocatedTensorValue(device.Allocator, host.ElementType, host.Shape);
                    _device.Add(bound);
                    _binding.BindInput(name, bound);
                    Action copy = copier.Prepare(host.Value, bound, host.ElementType, host.Shape.Length);
                    if (i < 2)
                    {
                        toDevice.Add(copy);
                    }
                    else
                    {
                        _conditioningToDevice.Add(copy);
                        copy();
                    }
                }

                OrtValue deviceOutput = OrtValue.CreateAllocatedTensorValue(device.Allocator, _output.ElementType, _output.Shape);
                _device.Add(deviceOutput);
                _binding.BindOutput("out_sample", deviceOutput);
                _toDevice = [.. toDevice];
                _toHost = copier.Prepare(deviceOutput, _output.Value, _output.ElementType, _output.Shape.Length);
            }
            catch
            {
                // The parent disposes only chunks whose constructor finished; release this one's partial work here.
                Dispose();
                throw;
            }
        }

        public IReadOnlyList<OrtValue> DeviceValues => _device;

        /// <summary>
        /// Writes another generation's conditioning (same shapes, checked by the caller) into the same host
        /// buffers and copies it to the same device buffers, so the bound addresses do not change.
        /// </summary>
        public void Rewrite(FloatTensor ehs, IdentityConditioning? identity)
        {
            Write(0, ehs);
            if (identity is not null)
            {
                Write(1, identity.Tokens);
                Write(2, identity.Masks);
                Write(3, identity.Scales);
            }

            foreach (Action copy in _conditioningToDevice)
            {
                copy();
            }
        }

        public void Run(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, RunOptions options)
        {
            _sample.WriteFloats(sample);
            _timestep.Fill(timestep);
            foreach (Action copy in _toDevice)
            {
                copy();
            }

            _session.RunWithBinding(options, _binding);
            _toHost?.Invoke();

            _output.ReadFloats(prediction);
        }

        public void Dispose()
        {
            _binding.Dispose();
            foreach (OrtValue value in _device)
            {
                value.Dispose();
            }

            foreach (HostTensor host in _conditioning)
            {
                host.Dispose();
            }

            // Null only when the constructor failed before creating them.
            _sample?.Dispose();
            _timestep?.Dispose();
            _output?.Dispose();
        }

        private void Write(int index, FloatTensor tensor)
        {
            int rowLength = tensor.Length / tensor.Dim(0);
            _conditioning[index].WriteFloats(tensor.Span.Slice(_row * rowLength, _rows * rowLength));
        }

        private HostTensor Slice(NodeMetadata declared, FloatTensor tensor, int row, int rows)
        {
            int[] shape = tensor.ShapeArray();
            int rowLength = tensor.Length / shape[0];
            shape[0] = rows;
            var host = new HostTensor(declared.ElementDataType, shape.Select(d => (long)d).ToArray());
            _conditioning.Add(host);
            host.WriteFloats(tensor.Span.Slice(row * rowLength, rows * rowLength));
            return host;
        }
    }
}
