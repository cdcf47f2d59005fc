using FaceStudio.Core.Denoising;

namespace FaceStudio.Onnx.Demo.Writer.Models;

/// <summary>Precision plumbing shared by the contract model builders: fp16 I/O, float32 arithmetic inside.</summary>
internal static class ModelIo
{
    public static OnnxElementType ElementType(TensorPrecision precision) =>
        precision == TensorPrecision.Float16 ? OnnxElementType.Float16 : OnnxElementType.Float;

    /// <summary>Declares a float input of the given precision and returns a float32 value of it.</summary>
    public static string FloatInput(GraphBuilder g, string name, TensorPrecision precision, params OnnxDim[] shape)
    {
        string input = g.Input(name, ElementType(precision), shape);
        return precision == TensorPrecision.Float16 ? g.Cast(input, OnnxElementType.Float) : input;
    }

    /// <summary>Declares a float output of the given precision computed from the float32 value <paramref name="value"/>.</summary>
    public static void FloatOutput(GraphBuilder g, string name, string value, TensorPrecision precision, params OnnxDim[] shape)
    {
        string source = precision == TensorPrecision.Float16 ? g.Cast(value, OnnxElementType.Float16) : value;
        g.Output(name, source, ElementType(precision), shape);
    }

    /// <summary>A weight stored in the model's precision, returned as float32.</summary>
    public static string Weight(GraphBuilder g, string name, long[] dims, float[] values, TensorPrecision precision) =>
        g.FloatWeight(name, dims, values, ElementType(precision));

    public static void CheckLength(float[] values, long expected, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != expected)
        {
            throw new ArgumentException($"{name} needs {expected} values; got {values.Length}.", name);
        }
    }

    public static OnnxModelBuilder Model(GraphBuilder g, string component) => new(g)
    {
        DocString = $"FaceStudio demo {component}: a small model with seeded weights that follows the real contract; its pictures are noise-like.",
    };
}
