using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Text;

/// <summary>
/// CLIP text encoder over ONNX Runtime, with prompt weighting and long prompts. Contract: <c>input_ids</c> int32 or
/// int64 [B, T] (optionally <c>attention_mask</c> of the same type) → <c>last_hidden_state</c> float32/float16
/// [B, T, D] and optionally <c>pooler_output</c> [B, D]. Thread-safe: concurrent calls share the session.
/// </summary>
/// <remarks>
/// Each prompt is parsed for attention syntax and cut into windows of the tokenizer's length (77) by
/// <see cref="WeightedPromptTokenizer"/>; every window of every prompt goes through the graph in one batched run
/// ([B·W, 77]; in chunks when the graph fixes its batch size), each prompt's windows are laid end to end
/// ([B, W·77, D]) and its weights applied with <see cref="PromptWeighting.ApplyWeights"/> (mean restored per window).
/// The pooled output is the first window's, unweighted.
/// </remarks>
public sealed class OnnxTextEncoder : ITextEncoder, IDisposable
{
    private const string Expected = "input 'input_ids' int32|int64 [batch, T] (optional 'attention_mask' of the same type); outputs 'last_hidden_state' float32|float16 [batch, T, D], optional 'pooler_output' float32|float16 [batch, D]";
    private static readonly TensorElementType[] IdTypes = [TensorElementType.Int32, TensorElementType.Int64];
    private static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];

    private readonly SharedSession _shared;
    private readonly ITokenizer _tokenizer;
    private readonly WeightedPromptTokenizer _prompts;
    private readonly OnnxTextEncoderOptions _options;
    private readonly TensorElementType _idType;
    private readonly int? _fixedBatch;
    private readonly bool _hasMask;
    private readonly bool _hasPooler;
    private readonly int _maxWindows;
    private readonly string _source;

    /// <summary>Wraps a loaded session, checking its contract.</summary>
    /// <param name="session">The text encoder session.</param>
    /// <param name="tokenizer">Tokenizer producing <see cref="ITokenizer.MaxLength"/> ids per window.</param>
    /// <param name="ownsSession">Dispose the session with this encoder.</param>
    /// <param name="source">Model path for messages.</param>
    /// <param name="options">Attention syntax and windows; one 77-token window with weighting when null.</param>
    /// <param name="loggerFactory">Receives the warning when a prompt is truncated.</param>
    /// <exception cref="ModelContractException">The graph does not match the contract.</exception>
    /// <exception cref="FaceStudioValidationException">The options are out of range.</exception>
    public OnnxTextEncoder(InferenceSession session, ITokenizer tokenizer, bool ownsSession = false, string? source = null, OnnxTextEncoderOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _options = options ?? new OnnxTextEncoderOptions();
        _options.Validate();
        _tokenizer = tokenizer;
        _source = source ?? "(in-memory model)";
        _prompts = new WeightedPromptTokenizer(
            tokenizer,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<WeightedPromptTokenizer>(),
            _options.ParseAttention);
        _maxWindows = _prompts.MaxWindows(_options.MaxContextTokens ?? tokenizer.MaxLength);

        var contract = new GraphContract(session, "Text encoder", source);
        NodeMetadata ids = contract.RequireInput("input_ids", Expected, IdTypes, 2);
        _idType = ids.ElementDataType;
        if (GraphContract.FixedDim(ids, 1) is { } fixedLength && fixedLength != tokenizer.MaxLength)
        {
            throw contract.Mismatch($"'input_ids' has {fixedLength} positions but the tokenizer produces {tokenizer.MaxLength} (long prompts are split into windows of that length, so the axis must be dynamic or fixed to it)", Expected);
        }

        // A fixed batch (e.g. 1, as some exports have) is served in chunks of that size.
        _fixedBatch = GraphContract.FixedDim(ids, 0);
        _hasMask = contract.HasInput("attention_mask");
        if (_hasMask)
        {
            NodeMetadata mask = contract.RequireInput("attention_mask", Expected, IdTypes, 2);
            if (mask.ElementDataType != _idType)
            {
                throw contract.Mismatch("'attention_mask' and 'input_ids' differ in element type", Expected);
            }
        }

        foreach (string name in contract.InputNames)
        {
            if (name is not ("input_ids" or "attention_mask"))
            {
                throw contract.Mismatch($"unexpected input '{name}'", Expected);
            }
        }

        NodeMetadata hidden = contract.RequireOutput("last_hidden_state", Expected, FloatTypes, 3);
        _hasPooler = contract.HasOutput("pooler_output");
        if (_hasPooler)
        {
            contract.RequireOutput("pooler_output", Expected, FloatTypes, 2);
        }

        HiddenSize = GraphContract.FixedDim(hidden, 2) ?? throw contract.Mismatch("'last_hidden_state' has a dynamic width", Expected + " with D fixed");
        _shared = new SharedSession(session, ownsSession);
    }

    /// <inheritdoc />
    public int HiddenSize { get; }

    /// <inheritdoc />
    /// <remarks>Windows allowed by <see cref="OnnxTextEncoderOptions.MaxContextTokens"/> × the tokenizer's length.</remarks>
    public int MaxTokens => _maxWindows * _tokenizer.MaxLength;

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer => _tokenizer;

    /// <summary>The options in use.</summary>
    public OnnxTextEncoderOptions Options => _options;

    /// <summary>Loads a model file through <paramref name="factory"/> (default: a new <see cref="SessionFactory"/>).</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="tokenizer">The CLIP tokenizer.</param>
    /// <param name="options">Execution provider and threads.</param>
    /// <param name="factory">Creates the session.</param>
    /// <param name="encoderOptions">Attention syntax and windows; one 77-token window with weighting when null.</param>
    /// <param name="loggerFactory">Receives the warning when a prompt is truncated.</param>
    public static OnnxTextEncoder Load(string modelPath, ITokenizer tokenizer, OnnxSessionOptions? options = null, ISessionFactory? factory = null, OnnxTextEncoderOptions? encoderOptions = null, ILoggerFactory? loggerFactory = null)
    {
        return SessionLoading.Own((factory ?? new SessionFactory()).Create(modelPath, options ?? OnnxSessionOptions.Default),
            session => new OnnxTextEncoder(session, tokenizer, ownsSession: true, modelPath, encoderOptions, loggerFactory));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every prompt gets the same number of windows W (the most any prompt needs, at most the allowed number; all of
    /// them with <see cref="OnnxTextEncoderOptions.FillContext"/>), so the result is [B, W·77, D].
    /// </remarks>
    public Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new FaceStudioValidationException(nameof(prompts), "At least one prompt is needed; got none.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        string[] texts = prompts.Select(p => p ?? string.Empty).ToArray();
        IReadOnlyList<WeightedTokenization> tokens = _prompts.TokenizeBatch(texts, MaxTokens, _options.FillContext ? _maxWindows : 1);
        int b = tokens.Count, length = _tokenizer.MaxLength, windows = tokens[0].WindowCount, d = HiddenSize;
        int rows = b * windows;

        using SharedSession.Lease lease = _shared.Acquire();
        var hidden = new float[checked(rows * length * d)];
        float[]? pooled = _hasPooler ? new float[b * d] : null;
        int perRun = _fixedBatch ?? rows;
        for (int first = 0; first < rows; first += perRun)
        {
            RunChunk(tokens, windows, first, Math.Min(perRun, rows - first), perRun, hidden, pooled, cancellationToken);
        }

        // Weights last, on the float32 copy: each prompt's windows end to end, mean restored per window.
        int perPrompt = windows * length * d;
        for (int i = 0; i < b; i++)
        {
            if (tokens[i].HasWeights)
            {
                PromptWeighting.ApplyWeights(hidden.AsSpan(i * perPrompt, perPrompt), tokens[i].Weights, d, length);
            }
        }

        var hiddenTensor = new FloatTensor(hidden, b, windows * length, d);
        FloatTensor? pooledTensor = pooled is null ? null : new FloatTensor(pooled, b, d);
        return Task.FromResult(new TextEncoding(hiddenTensor, pooledTensor));
    }

    /// <inheritdoc />
    /// <remarks>Runs in flight are terminated (they end with <see cref="ObjectDisposedException"/>); the session is released when the last one has returned.</remarks>
    public void Dispose() => _shared.Dispose();

    /// <summary>Runs rows [first, first + count) (row r = window r mod W of prompt r / W), padded to <paramref name="batch"/> rows.</summary>
    private void RunChunk(IReadOnlyList<WeightedTokenization> tokens, int windows, int first, int count, int batch, float[] hidden, float[]? pooled, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int length = _tokenizer.MaxLength, d = HiddenSize;
        long[] shape = [batch, length];
        using var ids = new HostTensor(_idType, shape);
        using HostTensor? mask = _hasMask ? new HostTensor(_idType, shape) : null;
        for (int k = 0; k < batch; k++)
        {
            // Rows past the end of a fixed-size chunk repeat the chunk's first row; their outputs are dropped.
            int r = first + (k < count ? k : 0);
            WeightedTokenization t = tokens[r / windows];
            int offset = (r % windows) * length;
            ids.WriteIds(k, t.InputIds.AsSpan(offset, length));
            mask?.WriteIds(k, t.AttentionMask.AsSpan(offset, length));
        }

        string[] inputNames = _hasMask ? ["input_ids", "attention_mask"] : ["input_ids"];
        OrtValue[] inputs = mask is null ? [ids.Value] : [ids.Value, mask.Value];
        string[] outputNames = _hasPooler ? ["last_hidden_state", "pooler_output"] : ["last_hidden_state"];
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> results = OrtRun.Run(_shared, runOptions, inputNames, inputs, outputNames, cancellationToken, "Text encoder");

        using (results)
        {
            CheckShape(results[0], "last_hidden_state", [batch, length, d]);
            ReadRows(results[0], length * d, count, hidden.AsSpan(first * length * d, count * length * d));
            if (pooled is not null)
            {
                CheckShape(results[1], "pooler_output", [batch, d]);
                for (int k = 0; k < count; k++)
                {
                    int r = first + k;
                    if (r % windows == 0)
                    {
                        // The pooled embedding of a prompt is its first window's.
                        ReadRow(results[1], k, d, pooled.AsSpan((r / windows) * d, d));
                    }
                }
            }
        }
    }

    private void CheckShape(OrtValue value, string name, long[] expected)
    {
        long[] actual = value.GetTensorTypeAndShape().Shape;
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new ModelContractException(string.Create(CultureInfo.InvariantCulture,
                $"Text encoder model {_source} returned '{name}' of shape [{string.Join(", ", actual)}]; expected [{string.Join(", ", expected)}] for that batch."));
        }
    }

    /// <summary>Converts the first <paramref name="count"/> rows of <paramref name="rowLength"/> elements to float32, once.</summary>
    private static void ReadRows(OrtValue value, int rowLength, int count, Span<float> destination)
    {
        int n = rowLength * count;
        if (value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>())[..n], destination);
        }
        else
        {
            value.GetTensorDataAsSpan<float>()[..n].CopyTo(destination);
        }
    }

    private static void ReadRow(OrtValue value, int row, int rowLength, Span<float> destination)
    {
        if (value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>()).Slice(row * rowLength, rowLength), destination);
        }
        else
        {
            value.GetTensorDataAsSpan<float>().Slice(row * rowLength, rowLength).CopyTo(destination);
        }
    }
}
