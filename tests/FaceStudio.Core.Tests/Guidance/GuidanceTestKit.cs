using FaceStudio.Core.Denoising;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;
using FaceStudio.TestSupport;

namespace FaceStudio.Core.Tests.Guidance;

/// <summary>Deterministic data and small fakes shared by the guidance tests.</summary>
internal static class GuidanceTestKit
{
    public static float[] Random(int seed, int length, float scale = 1f)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }

    public static LinearGuidanceProjector Projector(int face, int image, int k, int d, int seed = 11)
        => new(Random(seed, k * d * (image + face), 0.5f), Random(seed + 1, k * d, 0.5f), face, image, k, d);

    /// <summary>The projector's formula written out by hand, in double precision: W · [image ‖ face / ‖face‖] + b.</summary>
    public static double[] HandProject(float[] weight, float[] bias, float[] image, float[] face, bool normalizeFace = true)
    {
        double norm = 0;
        foreach (float v in face)
        {
            norm += (double)v * v;
        }

        norm = normalizeFace ? Math.Sqrt(norm) : 1;
        int inputs = image.Length + face.Length;
        var result = new double[bias.Length];
        for (int o = 0; o < bias.Length; o++)
        {
            double acc = bias[o];
            for (int i = 0; i < image.Length; i++)
            {
                acc += (double)weight[(o * inputs) + i] * image[i];
            }

            for (int i = 0; i < face.Length; i++)
            {
                acc += (double)weight[(o * inputs) + image.Length + i] * face[i] / norm;
            }

            result[o] = acc;
        }

        return result;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
            {
                Assert.Fail($"Element {i}: expected {expected[i]} but got {actual[i]} (tolerance {tolerance}).");
            }
        }
    }
}

/// <summary>Counts projector runs, to prove validation happens before any model runs.</summary>
internal sealed class RecordingProjector(IGuidanceProjector inner) : IGuidanceProjector
{
    public int Calls { get; private set; }

    public int FaceEmbeddingDim => inner.FaceEmbeddingDim;

    public int ImageEmbeddingDim => inner.ImageEmbeddingDim;

    public int TokensPerIdentity => inner.TokensPerIdentity;

    public int TokenDim => inner.TokenDim;

    public Task<FloatTensor> ProjectAsync(FloatTensor faceEmbeddings, FloatTensor? imageEmbeddings, CancellationToken cancellationToken = default)
    {
        Calls++;
        return inner.ProjectAsync(faceEmbeddings, imageEmbeddings, cancellationToken);
    }
}

/// <summary>
/// A denoiser whose output for each row is a known function of that row's context (sum of all context values,
/// plus the sample): lets tests compute the expected guided prediction by hand. Records sessions and runs.
/// </summary>
internal sealed class RecordingDenoiser(DenoiserCapabilities capabilities) : IDenoiser
{
    public DenoiserCapabilities Capabilities { get; } = capabilities;

    public int Sessions { get; private set; }

    public int Runs { get; private set; }

    public List<DenoiserConditioning> Bound { get; } = [];

    public IDenoiserSession CreateSession(DenoiserConditioning conditioning, LatentShape latentShape)
    {
        Sessions++;
        Bound.Add(conditioning);
        return new Session(this, conditioning, latentShape);
    }

    /// <summary>The row function: ε(row)[i] = sample[i] · (1 + i / L) + Σ context(row) + timestep / 1000.</summary>
    public static float RowValue(float sample, int index, int length, double contextSum, float timestep)
        => (float)((sample * (1.0 + ((double)index / length))) + contextSum + (timestep / 1000.0));

    private sealed class Session(RecordingDenoiser owner, DenoiserConditioning conditioning, LatentShape shape) : IDenoiserSession
    {
        public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
        {
            owner.Runs++;
            int perRow = shape.Channels * shape.Height * shape.Width;
            int contextPerRow = conditioning.EncoderHiddenStates.Length / shape.Batch;
            for (int b = 0; b < shape.Batch; b++)
            {
                double sum = 0;
                foreach (float v in conditioning.EncoderHiddenStates.Buffer.AsSpan(b * contextPerRow, contextPerRow))
                {
                    sum += v;
                }

                for (int i = 0; i < perRow; i++)
                {
                    prediction[(b * perRow) + i] = RowValue(sample[(b * perRow) + i], i, perRow, sum, timestep);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
