using FaceStudio.Onnx.Denoising;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceStudio.Onnx.Tests.Denoising;

/// <summary>The copier's own Identity graph (written without the demo writer), run on the CPU provider.</summary>
public sealed class CudaTensorCopierTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Prepared_copy_moves_the_source_into_the_target_every_run(int rank)
    {
        long[] shape = [.. Enumerable.Repeat(1L, rank - 1), 6];
        float[] source = [1f, -2f, 3.5f, 0f, 7f, -0.25f];
        float[] target = new float[6];
        using var copier = new CudaTensorCopier(deviceId: 0, cpu: true);
        using OrtValue from = OrtValue.CreateTensorValueFromMemory(source, shape);
        using OrtValue to = OrtValue.CreateTensorValueFromMemory(target, shape);
        Action copy = copier.Prepare(from, to, TensorElementType.Float, rank);

        copy();
        Assert.Equal(source, target);

        source[2] = 42f;
        copy();
        Assert.Equal(42f, target[2]);
    }

    [Fact]
    public void Copies_int64_tensors()
    {
        long[] source = [5, -6, long.MaxValue];
        long[] target = new long[3];
        using var copier = new CudaTensorCopier(deviceId: 0, cpu: true);
        using OrtValue from = OrtValue.CreateTensorValueFromMemory(source, [3]);
        using OrtValue to = OrtValue.CreateTensorValueFromMemory(target, [3]);

        copier.Prepare(from, to, TensorElementType.Int64, rank: 1)();

        Assert.Equal(source, target);
    }
}
