using FaceStudio.Core.Tensors;
using FaceStudio.Core.Text;
using FaceStudio.Onnx.Contracts;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Text;

/// <summary>
/// CLIP text encoder over ONNX Runtime. Contract: <c>input_ids</c> int32 or int64 [B, T] (optionally
/// <c>attention_mask</c> of the same type) → <c>last_hidden_state</c> float32/float16 [B, T, D] and optionally
/// <c>pooler_output</c> [B, D]. Thread-safe: concurrent calls share the session.
/// </summary>
public sealed class OnnxTextEncoder : ITextEncoder, IDisposable
{
    private const string Expected = "input 'input_ids' int32|int64 [batch, T] (optional 'attention_mask' of the same type); outputs 'last_hidden_state' float32|float16 [batch, T, D], optional 'pooler_output' float32|float16 [batch, D]";
    private static readonly TensorElementType[] IdTypes = [TensorElementType.Int32, TensorElementType.Int64];
    private static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];

    private readonly SharedSession _shared;
    private readonly ITokenizer _tokenizer;
    private readonly TensorElementType _idType;
    private readonly bool _hasMask;
    private readonly bool _hasPooler;

    /// <summary>Wraps a loaded session, checking its contract.</summary>
    /// <param name="session">The text encoder session.</param>
    /// <param name="tokenizer">Tokenizer producing <see cref="ITokenizer.MaxLength"/> ids per prompt.</param>
    /// <param name="ownsSession">Dispose the session with this encoder.</param>
    /// <param name="source">Model path for messages.</param>
    public OnnxTextEncoder(InferenceSession session, ITokenizer tokenizer, bool ownsSession = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        var contract = new GraphContract(session, "Text encoder", source);
        NodeMetadata ids = contract.RequireInput("input_ids", Expected, IdTypes, 2);
        _idType = ids.ElementDataType;
        if (GraphContract.FixedDim(ids, 1) is { } fixedLength && fixedLength != tokenizer.MaxLength)
        {
            throw contract.Mismatch($"'input_ids' has {fixedLength} positions but the tokenizer produces {tokenizer.MaxLength}", Expected);
        }

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
    public int MaxTokens => _tokenizer.MaxLength;

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer => _tokenizer;

    /// <summary>Loads a model file through <paramref name="factory"/> (default: a new <see cref="SessionFactory"/>).</summary>
    public static OnnxTextEncoder Load(string modelPath, ITokenizer tokenizer, OnnxSessionOptions? options = null, ISessionFactory? factory = null)
    {
        InferenceSession session = (factory ?? new SessionFactory()).Create(modelPath, options ?? OnnxSessionOptions.Default);
        try
        {
            return new OnnxTextEncoder(session, tokenizer, ownsSession: true, modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new Core.Errors.FaceStudioValidationException(nameof(prompts), "At least one prompt is needed; got none.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        using SharedSession.Lease lease = _shared.Acquire();
        int b = prompts.Count, t = _tokenizer.MaxLength;
        long[] shape = [b, t];
        using var ids = new HostTensor(_idType, shape);
        using HostTensor? mask = _hasMask ? new HostTensor(_idType, shape) : null;
        for (int i = 0; i < b; i++)
        {
            TokenizedText tokens = _tokenizer.Tokenize(prompts[i] ?? string.Empty);
            if (tokens.InputIds.Length != t)
            {
                throw new Core.Errors.FaceStudioException($"Tokenizer returned {tokens.InputIds.Length} ids for prompt {i}; expected {t}.");
            }

            ids.WriteIds(i, tokens.InputIds);
            mask?.WriteIds(i, tokens.AttentionMask);
        }

        string[] inputNames = _hasMask ? ["input_ids", "attention_mask"] : ["input_ids"];
        OrtValue[] inputs = mask is null ? [ids.Value] : [ids.Value, mask.Value];
        string[] outputNames = _hasPooler ? ["last_hidden_state", "pooler_output"] : ["last_hidden_state"];
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = OrtRun.Register(runOptions, cancellationToken);
        try
        {
            using IDisposableReadOnlyCollection<OrtValue> results = _shared.Session.Run(runOptions, inputNames, inputs, outputNames);
            var hidden = new FloatTensor(OrtValueReader.ReadFloats(results[0]), OrtValueReader.Shape(results[0]));
            FloatTensor? pooled = _hasPooler ? new FloatTensor(OrtValueReader.ReadFloats(results[1]), OrtValueReader.Shape(results[1])) : null;
            return Task.FromResult(new TextEncoding(hidden, pooled));
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtRun.Translate(ex, runOptions, cancellationToken, "Text encoder");
        }
    }

    /// <inheritdoc />
    /// <remarks>Runs in flight finish first; the session is released when the last one ends.</remarks>
    public void Dispose() => _shared.Dispose();
}
