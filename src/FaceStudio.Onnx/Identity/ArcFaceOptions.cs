using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Identity;

/// <summary>Input normalisation of an ArcFace graph: <c>(x − Mean) / Std</c> on 0..255 RGB values.</summary>
public sealed record ArcFaceOptions
{
    /// <summary>Subtracted from each 0..255 value. 127.5 for InsightFace ONNX exports; 0 for graphs that normalise inside.</summary>
    public float InputMean { get; init; } = 127.5f;

    /// <summary>Divides after the mean. 127.5 for InsightFace ONNX exports; 1 for graphs that normalise inside.</summary>
    public float InputStd { get; init; } = 127.5f;

    /// <summary>Options for graphs with normalisation built in (mean 0, std 1).</summary>
    public static ArcFaceOptions NormalizationInGraph { get; } = new() { InputMean = 0f, InputStd = 1f };

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!float.IsFinite(InputMean))
        {
            throw new FaceStudioValidationException(nameof(InputMean), $"The input mean must be finite, but it is {InputMean}.");
        }

        if (!float.IsFinite(InputStd) || InputStd == 0f)
        {
            throw new FaceStudioValidationException(nameof(InputStd), $"The input std must be finite and non-zero, but it is {InputStd}.");
        }
    }
}
