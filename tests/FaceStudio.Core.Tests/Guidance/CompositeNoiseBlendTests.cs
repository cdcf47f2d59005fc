using FaceStudio.Core.Guidance;
using static FaceStudio.Core.Tests.Guidance.GuidanceTestKit;

namespace FaceStudio.Core.Tests.Guidance;

public class CompositeNoiseBlendTests
{
    [Fact]
    public void Blend_equals_the_formula_computed_by_hand()
    {
        const int C = 3, Plane = 4, N = 2;
        float[] masks = [1f, 0.5f, 0f, 0.2f, /* identity 1 */ 0f, 0.5f, 1f, 0.3f];
        float[] scales = [1f, 0.5f];
        float[] text = Random(1, C * Plane);
        float[] ids = Random(2, N * C * Plane);
        var blended = new float[C * Plane];

        new CompositeNoiseBlend(masks, scales, Plane).Blend(text, ids, blended);

        var expected = new double[C * Plane];
        for (int c = 0; c < C; c++)
        {
            for (int p = 0; p < Plane; p++)
            {
                double w0 = scales[0] * masks[p];
                double w1 = scales[1] * masks[Plane + p];
                expected[(c * Plane) + p] = (w0 * ids[(c * Plane) + p]) + (w1 * ids[(C * Plane) + (c * Plane) + p]) + ((1 - w0 - w1) * text[(c * Plane) + p]);
            }
        }

        AssertClose(expected, blended, 1e-6);
    }

    [Fact]
    public void Classifier_free_guidance_matches_the_formulas()
    {
        float[] u = [1f, -2f];
        float[] t = [3f, 0f];
        float[] c = [4f, 1f];
        var two = new float[2];
        var three = new float[2];

        ClassifierFreeGuidance.Combine(u, c, 7.5f, two);
        ClassifierFreeGuidance.Combine(u, t, c, 7.5f, 2f, three);

        AssertClose([1 + (7.5 * 3), -2 + (7.5 * 3)], two, 1e-5);
        AssertClose([1 + (7.5 * 2) + (2 * 1), -2 + (7.5 * 2) + (2 * 1)], three, 1e-5);
    }
}
