using System.Text.Json;
using FaceStudio.Core.Randomness;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Parity;

/// <summary>
/// Every randn_tensor draw diffusers made in the recorded pipeline runs (initial latents, img2img noise, each ancestral
/// step's noise), in order, from one torch.Generator("cpu").manual_seed(seed), against successive NextGaussian calls of
/// one TorchCpuNoiseSource(seed): ≤ 1e-6.
/// </summary>
public class DiffusersNoiseDrawParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Runs()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        foreach (var run in doc.RootElement.GetProperty("pipelines").EnumerateObject())
        {
            data.Add(run.Name);
        }

        data.Add("identity");
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Parity_torch_cpu_noise_source_reproduces_diffusers_draws_in_order(string run)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ParityFixtures.Root, "index.json")));
        var entry = run == "identity" ? doc.RootElement.GetProperty("identity") : doc.RootElement.GetProperty("pipelines").GetProperty(run);
        var source = new TorchCpuNoiseSource(entry.GetProperty("seed").GetInt64());
        double worst = 0;
        int draws = 0;
        foreach (var draw in entry.GetProperty("draws_in_order").EnumerateArray())
        {
            var expected = ParityFixtures.Read(draw.GetProperty("file").GetString()!).AsFloat();
            var actual = new float[expected.Length];
            source.NextGaussian(actual);
            for (int i = 0; i < actual.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            }

            draws++;
        }

        output.WriteLine($"{run}: {draws} draws, max |Δ| {worst:E2}");
        Assert.True(draws > 0);
        Assert.True(worst <= 1e-6, $"{run}: max abs difference {worst:E3}");
    }
}
