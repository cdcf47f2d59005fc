using FaceStudio.Core.Identity;
using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Tests.Pipeline;
using Xunit.Abstractions;
using static FaceStudio.Onnx.Tests.Pipeline.PipelineTestKit;

namespace FaceStudio.Onnx.Tests.Adversarial;

/// <summary>
/// Disposing a pipeline on the demo pack while requests run and wait: every request ends with its images, an
/// <see cref="OperationCanceledException"/> or an <see cref="ObjectDisposedException"/>, within a bound, and the
/// process survives (before the fix: SIGSEGV inside native runs, and queued requests that never completed).
/// </summary>
public sealed class DisposalRaceAdversarialTests(DemoPackFixture fixture, ITestOutputHelper output) : IClassFixture<DemoPackFixture>
{
    private const int Iterations = 20;

    [Theory]
    [InlineData(4, 8)]
    [InlineData(1, 4)]
    public async Task Disposing_with_requests_running_and_queued_ends_every_request_cleanly(int maxConcurrent, int requests)
    {
        int completed = 0, disposed = 0, cancelled = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder()
                .UseModelPack(fixture.Pack)
                // The random demo detector scores hundreds of "faces" on the style image: name the two it uses, so the
                // two-person request is valid whenever it gets that far (the detector still runs under disposal).
                .UseOptions(new FaceStudioPipelineOptions { MaxConcurrentRequests = maxConcurrent, AutomaticRegions = new() { FaceForIdentity = [0, 1] } })
                .Build();
            var tasks = new Task<GenerationResult>[requests];
            for (int r = 0; r < requests; r++)
            {
                tasks[r] = Task.Run(() => pipeline.GenerateAsync(Mixed(r, iteration)));
            }

            // Dispose at a different moment each time: before, during and after the first native runs.
            await Task.Delay(iteration * 7 % 60);
            Task disposal = Task.Run(pipeline.Dispose);

            Task done = Task.WhenAll([.. tasks, disposal]);
            Task first = await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(ReferenceEquals(first, done), $"Iteration {iteration}: requests or disposal did not finish within 60 s.");
            await disposal;
            foreach (Task<GenerationResult> task in tasks)
            {
                if (task.IsCompletedSuccessfully)
                {
                    Assert.NotEmpty((await task).Images);
                    completed++;
                    continue;
                }

                Exception error = task.Exception?.InnerException ?? new TaskCanceledException(task);
                switch (error)
                {
                    case ObjectDisposedException:
                        disposed++;
                        break;
                    case OperationCanceledException:
                        cancelled++;
                        break;
                    default:
                        Assert.Fail($"Iteration {iteration}: a request ended with {error.GetType().Name}: {error.Message}");
                        break;
                }
            }

            await Assert.ThrowsAsync<ObjectDisposedException>(() => pipeline.GenerateAsync(Request(seed: 1)));
        }

        output.WriteLine($"{Iterations} disposals, {Iterations * requests} requests: {completed} completed, {disposed} ObjectDisposedException, {cancelled} OperationCanceledException.");

        // The loop covered both outcomes: some requests were stopped by the disposal.
        Assert.Equal(Iterations * requests, completed + disposed + cancelled);
        Assert.True(disposed + cancelled > 0, $"No request was stopped by disposal ({completed} completed).");
    }

    // Text only, one person with a style image (projector + style encoder), two people (face detector for regions).
    private static GenerationRequest Mixed(int r, int iteration)
    {
        GenerationRequest request = Request(seed: (iteration * 100) + r, steps: 8);
        return (r % 3) switch
        {
            0 => request,
            1 => request with { Identities = [IdentityInput.FromEmbedding(Embedding(r))], Style = new StyleInput(Gradient(64, 64, r)) },
            _ => request with
            {
                Identities = [IdentityInput.FromEmbedding(Embedding(r)), IdentityInput.FromEmbedding(Embedding(r + 1))],
                Style = new StyleInput(Gradient(96, 96, r)),
            },
        };
    }
}
