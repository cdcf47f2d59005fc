using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Text;

public class PromptWeightingTests
{
    [Fact]
    public void Scales_rows_then_restores_the_mean_hand_computed()
    {
        // [3, 2]; weights 1, 2, 1. Mean before: 21/6. Weighted rows: [1,2],[6,8],[5,6], sum 28.
        // Scale 21/28 = 0.75 brings the mean back to 3.5.
        float[] h = [1, 2, 3, 4, 5, 6];
        PromptWeighting.ApplyWeights(h, [1f, 2f, 1f], hiddenSize: 2);
        Assert.Equal([0.75f, 1.5f, 4.5f, 6f, 3.75f, 4.5f], h);
        Assert.Equal(3.5f, h.Average());
    }

    [Fact]
    public void Restores_each_window_on_its_own()
    {
        // Two windows of 2 rows, D = 1. Window 0: [2, 4], weights [0.5, 1] -> [1, 4], sum 5 vs 6 -> ×1.2 -> [1.2, 4.8].
        // Window 1: weights all 1 -> untouched.
        float[] h = [2, 4, 10, 20];
        PromptWeighting.ApplyWeights(h, [0.5f, 1f, 1f, 1f], hiddenSize: 1, windowLength: 2);
        Assert.Equal(1.2f, h[0], 6);
        Assert.Equal(4.8f, h[1], 6);
        Assert.Equal([10f, 20f], h[2..]);
    }

    [Fact]
    public void Unit_weights_leave_states_bit_for_bit()
    {
        float[] h = [0.1f, -0.3f, 0.7f, 1e-8f];
        float[] copy = (float[])h.Clone();
        PromptWeighting.ApplyWeights(h, [1f, 1f], hiddenSize: 2);
        Assert.Equal(copy, h);
    }

    [Fact]
    public void Zero_weighted_mean_keeps_the_weighted_values()
    {
        // Rows [1, -1] and [2, -2] sum to 0 before and after weighting; nothing to restore.
        float[] h = [1, -1, 2, -2];
        PromptWeighting.ApplyWeights(h, [3f, 1f], hiddenSize: 2);
        Assert.Equal([3f, -3f, 2f, -2f], h);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PromptWeighting.ApplyWeights(new float[5], [1f, 1f], hiddenSize: 2));
        Assert.Contains("5", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PromptWeighting.ApplyWeights(new float[6], [1f, 1f, 1f], hiddenSize: 2, windowLength: 2));
    }
}
