using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Web;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace FaceStudio.Jobs.Tests;

/// <summary>The web sample in queue mode on a real port, one worker process behind it.</summary>
public sealed class WebQueueTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Queue_mode_accepts_refuses_above_depth_cancels_queued_and_running_jobs_streams_progress_and_hands_back_on_sigterm()
    {
        string demo = JobsTestKit.DemoCache;
        using RedisServer redis = RedisServer.Start();
        WebApplication app = WebSample.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--FaceStudio:DemoCacheDirectory", demo,
            "--FaceStudio:Jobs:Redis", redis.ConnectionString,
            "--FaceStudio:Jobs:MaxQueueDepth", "2",
            "--FaceStudio:Jobs:PollInterval", "00:00:00.2",
            "--FaceStudio:Jobs:RetryAfter", "00:00:07",
            "--GenerateEndpoint:MaxSteps", "1000",
            "--Logging:LogLevel:Default", "None",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "None",
        ]);
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(60) };

            // No worker yet: two jobs fill the queue, the third is refused with Retry-After.
            // 512 px keeps 900 demo steps running for seconds even on an idle machine (128 px finished in 0.6 s), so the test
            // sees it running and cancels it midway.
            string slow = await PostAsync(client, seed: 1, steps: 900, size: 512);
            string queued = await PostAsync(client, seed: 2, steps: 2);
            using (HttpResponseMessage full = await client.PostAsync(new Uri("/jobs", UriKind.Relative), Form(3, 2)))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(7), full.Headers.RetryAfter?.Delta);
            }

            JsonElement status = await client.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{queued}", UriKind.Relative));
            Assert.Equal("queued", status.GetProperty("state").GetString());
            Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync(new Uri($"/jobs/{queued}/image", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/jobs/{Guid.NewGuid():N}", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/jobs/{Guid.NewGuid():N}/events", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync(new Uri("/jobs/..%2Fetc", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(new Uri("/jobs", UriKind.Relative), new MultipartFormDataContent { { new StringContent("64"), "width" } })).StatusCode);

            // Cancel of a queued job: at once, and its place in the queue is free again.
            using (HttpResponseMessage cancel = await client.DeleteAsync(new Uri($"/jobs/{queued}", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
                Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
            }

            string quick = await PostAsync(client, seed: 7, steps: 2);

            var worker = WorkerProcess.Start(redis.ConnectionString, demo, "web0", ("FaceStudio:Jobs:ShutdownGrace", "00:00:01"));
            try
            {
                // The slow job runs; its events stream progress; a cancel stops it within a step or two.
                Task<List<(string Event, JsonElement Data)>> slowEvents = ReadEventsAsync(client, slow);
                Assert.True(await JobsTestKit.Eventually(async () => (await StatusAsync(client, slow)) is { State: "running", Step: >= 3 }, TimeSpan.FromSeconds(60)), worker.Output);
                var clock = Stopwatch.StartNew();
                using (HttpResponseMessage cancel = await client.DeleteAsync(new Uri($"/jobs/{slow}", UriKind.Relative)))
                {
                    Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
                }

                Assert.True(await JobsTestKit.Eventually(async () => (await StatusAsync(client, slow)).State == "cancelled", TimeSpan.FromSeconds(10)), worker.Output);
                output.WriteLine($"Running job cancelled {clock.ElapsedMilliseconds} ms after DELETE");
                List<(string Event, JsonElement Data)> events = await slowEvents.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal("cancelled", events[^1].Event);
                Assert.Contains(events, e => e.Event == "running" && e.Data.GetProperty("step").GetInt32() >= 1 && e.Data.GetProperty("totalSteps").GetInt32() == 900);
                int stepAtEnd = (await StatusAsync(client, slow)).Step;
                output.WriteLine($"Stopped at step {stepAtEnd} of 900");
                Assert.True(stepAtEnd < 900, $"stopped at step {stepAtEnd}");

                // The next job runs to completion on the same worker; its image is served.
                List<(string Event, JsonElement Data)> quickEvents = await ReadEventsAsync(client, quick).WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Equal("succeeded", quickEvents[^1].Event);
                byte[] png = await client.GetByteArrayAsync(new Uri($"/jobs/{quick}/image", UriKind.Relative));
                RgbImage image = new SkiaImageCodec().Decode(png, "result.png");
                Assert.Equal((64, 64), (image.Width, image.Height));

                // SIGTERM during a long job: the worker hands it back (not counted as a delivery) and exits.
                string last = await PostAsync(client, seed: 9, steps: 900, size: 512); // seconds long even on an idle machine
                Assert.True(await JobsTestKit.Eventually(async () => (await StatusAsync(client, last)) is { State: "running", Step: >= 1 }, TimeSpan.FromSeconds(30)), worker.Output);
                Assert.True(worker.Terminate(TimeSpan.FromSeconds(30)), "The worker did not exit after SIGTERM:\n" + worker.Output);
                JobStatusView handedBack = await StatusAsync(client, last);
                Assert.Equal(("queued", 1, 0), (handedBack.State, handedBack.Attempt, handedBack.Deliveries));
                Assert.Contains("handed back", worker.Output, StringComparison.Ordinal);
            }
            finally
            {
                worker.Dispose();
            }

            await app.StopAsync();
        }
    }

    private static MultipartFormDataContent Form(long seed, int steps, int size = 64)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("a portrait photo"), "prompt" },
            { new StringContent(seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), "seed" },
            { new StringContent(steps.ToString(System.Globalization.CultureInfo.InvariantCulture)), "steps" },
            { new StringContent(size.ToString(System.Globalization.CultureInfo.InvariantCulture)), "width" },
            { new StringContent(size.ToString(System.Globalization.CultureInfo.InvariantCulture)), "height" },
        };
        using var png = new MemoryStream();
        new SkiaImageCodec().EncodePng(JobsTestKit.Face(), png);
        form.Add(new ByteArrayContent(png.ToArray()), "face", "face.png");
        return form;
    }

    private static async Task<string> PostAsync(HttpClient client, long seed, int steps, int size = 64)
    {
        using MultipartFormDataContent form = Form(seed, steps, size);
        using HttpResponseMessage response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    private sealed record JobStatusView(string State, int Step, int Attempt, int Deliveries);

    private static async Task<JobStatusView> StatusAsync(HttpClient client, string id)
    {
        JsonElement s = await client.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{id}", UriKind.Relative));
        return new JobStatusView(s.GetProperty("state").GetString()!, s.GetProperty("step").GetInt32(), s.GetProperty("attempt").GetInt32(), s.GetProperty("deliveries").GetInt32());
    }

    /// <summary>Reads <c>GET /jobs/{id}/events</c> to its end (the server closes it when the job is final).</summary>
    private static async Task<List<(string Event, JsonElement Data)>> ReadEventsAsync(HttpClient client, string id)
    {
        var events = new List<(string, JsonElement)>();
        using HttpResponseMessage response = await client.GetAsync(new Uri($"/jobs/{id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null;
        for (int lines = 0; lines < 10_000 && await reader.ReadLineAsync() is { } line; lines++)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name ?? "message", JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }

        return events;
    }
}
