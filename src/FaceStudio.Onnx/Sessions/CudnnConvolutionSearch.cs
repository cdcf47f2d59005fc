namespace FaceStudio.Onnx.Sessions;

/// <summary>cuDNN convolution algorithm search.</summary>
public enum CudnnConvolutionSearch
{
    /// <summary>Benchmark every algorithm once (slow first run, fastest steps).</summary>
    Exhaustive,

    /// <summary>cuDNN's heuristics.</summary>
    Heuristic,

    /// <summary>cuDNN's default algorithm.</summary>
    Default,
}
