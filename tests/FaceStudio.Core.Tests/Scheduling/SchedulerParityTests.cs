using System.Globalization;
using System.Text.Json;
using FaceStudio.Core.Scheduling;

namespace FaceStudio.Core.Tests.Scheduling;

/// <summary>One case per entry of the diffusers reference trajectory file.</summary>
public class SchedulerParityTests
{
    private const double ScheduleTolerance = 1e-6;
    private const double TrajectoryTolerance = 1e-4;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenTrajectories.CaseNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_diffusers_trajectory(string caseName)
    {
        JsonElement golden = GoldenTrajectories.Case(caseName);
        string className = golden.GetProperty("class").GetString()!;
        var (name, config) = GoldenTrajectories.Map(className, golden.GetProperty("config"), golden.GetProperty("step_kwargs"));
        var noise = new FormulaNoiseSource();
        IScheduler scheduler = SchedulerCatalog.Create(name, config, noise);

        double[] expectedTimesteps = Doubles(golden.GetProperty("timesteps"));
        scheduler.SetTimesteps(GoldenTrajectories.StepsForCalls(className, expectedTimesteps.Length));

        // Timesteps exactly (as the float32 values diffusers hands the model).
        Assert.Equal(expectedTimesteps.Select(t => (float)t).ToArray(), scheduler.Timesteps.ToArray());

        double initSigma = golden.GetProperty("init_noise_sigma").GetDouble();
        AssertRelative(initSigma, scheduler.InitNoiseSigma, ScheduleTolerance, "init_noise_sigma");

        double[] expectedSigmas = Doubles(golden.GetProperty("sigmas"));
        if (expectedSigmas.Length > 0)
        {
            Assert.Equal(expectedSigmas.Length, scheduler.Sigmas.Length);
            for (int i = 0; i < expectedSigmas.Length; i++)
            {
                AssertRelative(expectedSigmas[i], scheduler.Sigmas[i], ScheduleTolerance, $"sigmas[{i}]");
            }
        }

        int[] shape = golden.GetProperty("final").GetArrayLength() is var n ? [n] : [];
        int count = shape[0];
        float[] x = GoldenTrajectories.InitialLatents(count);
        float init = scheduler.InitNoiseSigma;
        for (int i = 0; i < count; i++)
        {
            x[i] *= init;
        }

        var input = new float[count];
        var eps = new float[count];
        var trajectory = golden.GetProperty("trajectory").EnumerateArray().ToArray();
        Assert.Equal(trajectory.Length, scheduler.Timesteps.Length);
        for (int step = 0; step < trajectory.Length; step++)
        {
            float t = scheduler.Timesteps[step];
            Assert.Equal((float)trajectory[step].GetProperty("t").GetDouble(), t);
            scheduler.ScaleModelInput(x, input, step);
            AssertSum(trajectory[step].GetProperty("in_sum").GetDouble(), input, $"step {step} in_sum");
            GoldenTrajectories.Model(input, t, eps);
            scheduler.Step(eps, step, x);
            AssertSum(trajectory[step].GetProperty("sum").GetDouble(), x, $"step {step} sum");
            AssertRelative(trajectory[step].GetProperty("abs_sum").GetDouble(), x.Sum(v => Math.Abs((double)v)), TrajectoryTolerance, $"step {step} abs_sum");
        }

        // The trajectory file counts the draws that change the result; diffusers' EulerDiscreteScheduler.step also draws
        // one unused latent of noise per call (recorded in the end-to-end fixtures, TestData/Parity/pipelines/euler), and
        // the SDK's Euler draws and discards it too so that a shared generator stays in step.
        int unusedDraws = name == SchedulerCatalog.Euler ? trajectory.Length : 0;
        Assert.Equal(golden.GetProperty("noise_draws").GetInt32() + unusedDraws, noise.Draws);
        double[] expectedFinal = Doubles(golden.GetProperty("final"));
        double diff = 0, norm = 0;
        for (int i = 0; i < count; i++)
        {
            diff += (x[i] - expectedFinal[i]) * (x[i] - expectedFinal[i]);
            norm += expectedFinal[i] * expectedFinal[i];
        }

        double relativeL2 = Math.Sqrt(diff / norm);
        Assert.True(relativeL2 <= TrajectoryTolerance, string.Create(CultureInfo.InvariantCulture, $"final latents relative L2 {relativeL2:E3} > {TrajectoryTolerance:E0}"));
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(
            expected == 0 ? actual == 0 : error <= tolerance * Math.Abs(expected),
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, found {actual:R} (relative error {error / Math.Abs(expected):E3}, tolerance {tolerance:E0})"));
    }

    /// <summary>A sum can cancel to near zero, so its error is measured against the sum of magnitudes (1e-4 relative L1).</summary>
    private static void AssertSum(double expected, float[] values, string what)
    {
        double sum = 0, magnitude = 0;
        foreach (float v in values)
        {
            sum += v;
            magnitude += Math.Abs(v);
        }

        double error = Math.Abs(sum - expected);
        Assert.True(
            error <= TrajectoryTolerance * Math.Max(Math.Abs(expected), magnitude),
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R}, found {sum:R} (error {error:E3}, scale {magnitude:G6})"));
    }
}
