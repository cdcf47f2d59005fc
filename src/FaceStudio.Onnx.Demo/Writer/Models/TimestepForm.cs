namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>How a UNet graph takes its timestep.</summary>
public enum TimestepForm
{
    /// <summary><c>timestep</c> int64 [B].</summary>
    Int64Batch,

    /// <summary><c>timestep</c> float [B] (fp16 in fp16 models).</summary>
    FloatBatch,

    /// <summary><c>timestep</c> float scalar [] (fp16 in fp16 models).</summary>
    FloatScalar,
}
