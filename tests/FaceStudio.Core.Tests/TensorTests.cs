using FaceStudio.Core.Tensors;

namespace FaceStudio.Core.Tests;

public class FloatTensorTests
{
    [Fact]
    public void Rejects_buffer_that_does_not_match_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FloatTensor(new float[5], 2, 3));
        Assert.Contains("6 elements", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocates_zeroed_tensor_of_shape()
    {
        var t = new FloatTensor(2, 4, 8, 8);
        Assert.Equal(512, t.Length);
        Assert.Equal(4, t.Rank);
        Assert.Equal(8, t.Dim(3));
        Assert.All(t.Buffer, v => Assert.Equal(0f, v));
    }
}
