namespace FaceStudio.Onnx.Sessions;

/// <summary>Execution providers FaceStudio knows how to configure.</summary>
public enum ExecutionProviderKind
{
    /// <summary>CPU (always available).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (package Microsoft.ML.OnnxRuntime.Gpu).</summary>
    Cuda,

    /// <summary>NVIDIA TensorRT, with CUDA as fallback (package Microsoft.ML.OnnxRuntime.Gpu plus TensorRT libraries).</summary>
    TensorRt,

    /// <summary>DirectML on Windows (package Microsoft.ML.OnnxRuntime.DirectML).</summary>
    DirectMl,

    /// <summary>CoreML on Apple platforms (package Microsoft.ML.OnnxRuntime on macOS/iOS).</summary>
    CoreMl,
}
