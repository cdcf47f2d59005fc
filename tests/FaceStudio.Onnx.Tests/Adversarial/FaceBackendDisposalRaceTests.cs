using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Identity;
using FaceStudio.TestSupport;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace FaceStudio.Onnx.Tests.Adversarial;

/// <summary>
/// Disposing the shipped face backends (BlazeFace + FaceMesh detector, MobileFace embedder) while identity encodings
/// run on a real photo: every call ends with its embedding, an <see cref="ObjectDisposedException"/> or an
/// <see cref="OperationCanceledException"/>, within a bound, and the process survives (their sessions sit behind the
/// same lease guard as the other backends, so a run never sees a freed native session).
/// </summary>
public sealed class FaceBackendDisposalRaceTests(ITestOutputHelper output)
{
    private const int Iterations = 12;
    private const int Callers = 4;
    private static readonly Lazy<(byte[] Detector, byte[] Mesh, byte[] Embedder)> s_models = new(() =>
        (FaceModels.ReadAllBytes(FaceModels.BlazeFace), FaceModels.ReadAllBytes(FaceModels.FaceMesh), FaceModels.ReadAllBytes(FaceModels.MobileFace)));

    [Fact]
    public async Task Disposing_the_face_backends_while_encodings_run_ends_every_call_cleanly()
    {
        RgbImage photo = new SkiaImageCodec().Decode(FacePhotos.Path(FacePhotos.Portrait));
        var photos = new[] { new IdentityPhoto(FacePhotos.Portrait, photo) };
        int completed = 0, disposed = 0, cancelled = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var detector = new BlazeFaceDetector(
                new InferenceSession(s_models.Value.Detector),
                new FaceMeshLandmarker(new InferenceSession(s_models.Value.Mesh), ownsSession: true),
                ownsSession: true);
            var embedder = new MobileFaceEmbedder(new InferenceSession(s_models.Value.Embedder), ownsSession: true);
            var encoder = new IdentityEncoder(detector, embedder);

            // Each caller encodes the portrait twice in a row, so disposal meets runs of every stage.
            var tasks = new Task<int>[Callers];
            for (int c = 0; c < Callers; c++)
            {
                tasks[c] = Task.Run(async () =>
                {
                    int dimension = 0;
                    for (int round = 0; round < 2; round++)
                    {
                        dimension = (await encoder.EncodeAsync(photos)).Dimension;
                    }

                    return dimension;
                });
            }

            // Dispose at a different moment each time: before, during and after the first native runs.
            await Task.Delay(iteration * 11 % 90);
            Task disposal = Task.Run(() =>
            {
                detector.Dispose();
                embedder.Dispose();
            });

            Task done = Task.WhenAll([.. tasks, disposal]);
            Task first = await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(ReferenceEquals(first, done), $"Iteration {iteration}: encodings or disposal did not finish within 60 s.");
            await disposal;
            foreach (Task<int> task in tasks)
            {
                if (task.IsCompletedSuccessfully)
                {
                    Assert.Equal(MobileFaceEmbedder.EmbeddingDimension, await task);
                    completed++;
                    continue;
                }

                switch (task.Exception?.InnerException)
                {
                    case ObjectDisposedException:
                        disposed++;
                        break;
                    case OperationCanceledException:
                        cancelled++;
                        break;
                    case var error:
                        Assert.Fail($"Iteration {iteration}: an encoding ended with {error?.GetType().Name}: {error?.Message}");
                        break;
                }
            }

            // After disposal every stage refuses at once, with the same typed error.
            await Assert.ThrowsAsync<ObjectDisposedException>(() => detector.DetectAsync(photo));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => embedder.EmbedAsync([new RgbImage(112, 112)]));
        }

        output.WriteLine($"{Iterations} disposals, {Iterations * Callers} callers: {completed} completed, {disposed} ObjectDisposedException, {cancelled} OperationCanceledException.");
        Assert.Equal(Iterations * Callers, completed + disposed + cancelled);
        Assert.True(disposed + cancelled > 0, $"No encoding was stopped by disposal ({completed} completed).");
    }

    [Fact]
    public async Task A_landmarker_disposed_alone_refuses_and_its_detector_reports_the_disposal()
    {
        var landmarker = new FaceMeshLandmarker(new InferenceSession(s_models.Value.Mesh), ownsSession: true);
        using var session = new InferenceSession(s_models.Value.Detector);
        using var detector = new BlazeFaceDetector(session, landmarker, ownsSession: false);
        RgbImage photo = new SkiaImageCodec().Decode(FacePhotos.Path(FacePhotos.Portrait));
        Assert.Single(await detector.DetectAsync(photo));

        landmarker.Dispose();
        landmarker.Dispose();

        // BlazeFace still runs (its candidates need no landmarks); the landmark stage refuses.
        Assert.NotEmpty(await detector.DetectCandidatesAsync(photo));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => detector.DetectAsync(photo));
    }
}
