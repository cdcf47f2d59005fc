using FaceStudio.Core.Text;
using FaceStudio.Onnx.Demo.Writer;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Onnx.Tests.Text;

/// <summary>The real CLIP tokenizer from tests/TestData/clip-tokenizer (copied beside the test assembly).</summary>
internal static class SharedClip
{
    private static readonly Lazy<ClipTokenizer> Instance = new(() => ClipTokenizer.FromDirectory(Path.Combine(AppContext.BaseDirectory, "TestData", "clip-tokenizer")));

    public static ClipTokenizer Tokenizer => Instance.Value;
}

/// <summary>Independent references: CLIP window framing and A1111 weighting, in plain loops (double sums).</summary>
internal static class TextReference
{
    public const int Window = 77;

    /// <summary>[start, content, end, pad…] per window of 75 content tokens, <paramref name="windows"/> windows.</summary>
    public static long[] Frame(ITokenizer tokenizer, IReadOnlyList<int> content, int windows)
    {
        var ids = new long[windows * Window];
        for (int w = 0; w < windows; w++)
        {
            int o = w * Window;
            int count = Math.Clamp(content.Count - (w * 75), 0, 75);
            ids[o] = tokenizer.StartTokenId;
            for (int k = 0; k < count; k++)
            {
                ids[o + 1 + k] = content[(w * 75) + k];
            }

            ids[o + 1 + count] = tokenizer.EndTokenId;
            for (int k = o + 2 + count; k < o + Window; k++)
            {
                ids[k] = tokenizer.PadTokenId;
            }
        }

        return ids;
    }

    /// <summary>Row t of a [77, d] window times weights[t], then every element times (mean before / mean after).</summary>
    public static void WeightWindow(float[] hidden, int firstRow, IReadOnlyDictionary<int, float> weights, int d)
    {
        Span<float> window = hidden.AsSpan(firstRow * d, Window * d);
        double before = Sum(window);
        foreach ((int row, float w) in weights)
        {
            for (int j = 0; j < d; j++)
            {
                window[(row * d) + j] *= w;
            }
        }

        double ratio = before / Sum(window);
        for (int i = 0; i < window.Length; i++)
        {
            window[i] = (float)(window[i] * ratio);
        }
    }

    public static double Sum(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values)
        {
            s += v;
        }

        return s;
    }

    /// <summary>
    /// An encoder that echoes what it was fed: last_hidden_state[r, t] = (input_ids[r, t], attention_mask[r, t] when
    /// declared, batch size of the run), so tests see every row, its mask and how many rows each run had;
    /// pooler_output (optional) = mean over t of last_hidden_state.
    /// </summary>
    public static OnnxModelBuilder EchoEncoder(OnnxElementType idType, OnnxDim batch, bool withMask, bool withPooler = false)
    {
        var g = new GraphBuilder("echo_text_encoder");
        string ids = g.Input("input_ids", idType, batch, Window);
        string idsF = g.Cast(ids, OnnxElementType.Float);
        var channels = new List<string> { g.Unsqueeze(idsF, 2) };
        if (withMask)
        {
            string mask = g.Input("attention_mask", idType, batch, Window);
            channels.Add(g.Unsqueeze(g.Cast(mask, OnnxElementType.Float), 2));
        }

        string rows = g.Cast(g.Slice(g.Shape(ids), [0], [1], [0]), OnnxElementType.Float);
        channels.Add(g.Unsqueeze(g.Add(g.Mul(idsF, g.FloatScalar(0f)), rows), 2));
        string last = g.Concat(2, [.. channels]);
        g.Output("last_hidden_state", last, OnnxElementType.Float, batch, Window, channels.Count);
        if (withPooler)
        {
            g.Output("pooler_output", g.ReduceMean(last, [1], keepDims: false), OnnxElementType.Float, batch, channels.Count);
        }

        return new OnnxModelBuilder(g);
    }
}

/// <summary>Collects every log entry of every category.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public List<(string Category, LogLevel Level, string Message)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Entries)
            {
                owner.Entries.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
