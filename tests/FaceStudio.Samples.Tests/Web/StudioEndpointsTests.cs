using System.Net;
using System.Text.Json;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;

namespace FaceStudio.Samples.Tests.Web;

/// <summary>The studio page's API in process: <c>/studio/config</c>, <c>POST /faces</c>, <c>POST /generate/stream</c>, <c>/api</c>.</summary>
public sealed class StudioEndpointsTests(WebSampleFactory factory) : IClassFixture<WebSampleFactory>
{
    [Fact]
    public async Task The_page_is_served_at_the_root_and_the_api_text_at_api()
    {
        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage page = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("studio.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using HttpResponseMessage script = await client.GetAsync(new Uri("/studio.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("/generate/stream", await client.GetStringAsync(new Uri("/api", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_lists_schedulers_limits_and_the_loaded_models()
    {
        using HttpClient client = factory.CreateClient();
        using JsonDocument config = JsonDocument.Parse(await client.GetStringAsync(new Uri("/studio/config", UriKind.Relative)));
        JsonElement root = config.RootElement;
        Assert.Equal("stream", root.GetProperty("mode").GetString());
        Assert.Contains("euler-a", root.GetProperty("schedulers").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(50, root.GetProperty("maxSteps").GetInt32());
        Assert.True(root.GetProperty("detector").GetBoolean());
        Assert.True(root.GetProperty("identityEncoder").GetBoolean());
        Assert.Equal(["torch-cpu", "torch-cuda", "philox"], root.GetProperty("noiseSources").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Faces_lists_the_best_scored_boxes_and_a_non_image_is_a_photo_field_error()
    {
        using HttpClient client = factory.CreateClient();
        using (MultipartFormDataContent form = GenerateEndpointTests.Form())
        {
            // Two real heads side by side: the demo pack's BlazeFace finds both, one in each half.
            GenerateEndpointTests.AddFile(form, "photo", "pair.png", TestImages.Png(TestImages.TwoFaces()));
            using HttpResponseMessage response = await client.PostAsync(new Uri("/faces?max=3", UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            JsonElement faces = body.RootElement.GetProperty("faces");
            Assert.Equal(256, body.RootElement.GetProperty("width").GetInt32());
            Assert.Equal(2, faces.GetArrayLength());
            Assert.Equal(2, body.RootElement.GetProperty("total").GetInt32());
            float[] centres = [.. faces.EnumerateArray().Select(f => (f.GetProperty("x0").GetSingle() + f.GetProperty("x1").GetSingle()) / 2).Order()];
            Assert.InRange(centres[0], 0f, 128f);
            Assert.InRange(centres[1], 128f, 256f);
            float[] scores = [.. faces.EnumerateArray().Select(f => f.GetProperty("score").GetSingle())];
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.Equal([.. Enumerable.Range(0, scores.Length)], faces.EnumerateArray().Select(f => f.GetProperty("index").GetInt32()));
        }

        using (MultipartFormDataContent form = GenerateEndpointTests.Form())
        {
            GenerateEndpointTests.AddFile(form, "photo", "notes.txt", "not a photo"u8.ToArray());
            using HttpResponseMessage response = await client.PostAsync(new Uri("/faces", UriKind.Relative), form);
            await AssertFieldErrorAsync(response, "photo", "notes.txt");
        }
    }

    [Fact]
    public async Task Stream_sends_start_one_step_per_model_call_with_previews_then_the_picture_and_its_metadata()
    {
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = GenerateEndpointTests.Form(
            ("prompt", "two people"), ("steps", "3"), ("seed", "11"), ("width", "64"), ("height", "64"),
            ("pick0", "1,0"), ("region0", "0,0,32,64"), ("region1", "32,0,64,64"), ("noise", "philox"));
        // Person 0: the second face of a two-face photo and the only face of another; person 1: another person.
        GenerateEndpointTests.AddFile(form, "person0", "a.png", TestImages.Png(TestImages.TwoFaces()));
        GenerateEndpointTests.AddFile(form, "person0", "b.png", TestImages.Png(TestImages.Face()));
        GenerateEndpointTests.AddFile(form, "person1", "c.png", TestImages.Png(TestImages.OtherFace()));
        GenerateEndpointTests.AddFile(form, "style", "style.png", TestImages.Png(TestImages.Gradient(64, 64)));

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate/stream", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        List<(string Event, JsonElement Data)> events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(["start", "step", "step", "step", "done"], events.Select(e => e.Event));
        for (int i = 1; i <= 3; i++)
        {
            JsonElement step = events[i].Data;
            Assert.Equal(i, step.GetProperty("step").GetInt32());
            Assert.Equal(3, step.GetProperty("total").GetInt32());
            Assert.StartsWith("data:image/png;base64,", step.GetProperty("preview").GetString(), StringComparison.Ordinal);
        }

        JsonElement done = events[4].Data;
        Assert.Equal(11, done.GetProperty("seed").GetInt64());
        Assert.Equal("euler-a", done.GetProperty("scheduler").GetString());
        Assert.Equal("philox", done.GetProperty("noise").GetString());
        RgbImage picture = DecodeDataUrl(done.GetProperty("image").GetString()!);
        Assert.Equal((64, 64), (picture.Width, picture.Height));
        JsonElement[] regions = [.. done.GetProperty("regions").EnumerateArray()];
        Assert.Equal(2, regions.Length);
        Assert.Equal(32f, regions[1].GetProperty("x0").GetSingle());
        Assert.Equal(2, done.GetProperty("similarity").GetArrayLength());
        Assert.True(done.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
    }

    [Theory]
    [InlineData("non-image-photo", "person1")]
    [InlineData("missing-region", "region1")]
    [InlineData("bad-region", "region0")]
    [InlineData("bad-pick", "person0")]
    [InlineData("too-many-steps", "steps")]
    [InlineData("bad-width", "width")]
    [InlineData("auto-without-style", "style")]
    [InlineData("unknown-noise", "noise")]
    [InlineData("no-prompt", "prompt")]
    [InlineData("bad-scheduler", "scheduler")]
    public async Task Stream_errors_are_problem_documents_naming_the_page_field(string mistake, string field)
    {
        using HttpClient client = factory.CreateClient();
        var fields = new List<(string, string)> { ("steps", "2"), ("width", "64"), ("height", "64"), ("region0", "0,0,32,64"), ("region1", "32,0,64,64") };
        fields.Add(("prompt", mistake == "no-prompt" ? " " : "two people"));
        switch (mistake)
        {
            case "missing-region": fields.RemoveAll(f => f.Item1 == "region1"); break;
            case "bad-region": fields.Add(("region0", "1,2,three,4")); fields.RemoveAt(3); break;
            case "bad-pick": fields.Add(("pick0", "x")); break;
            case "too-many-steps": fields[0] = ("steps", "500"); break;
            case "bad-width": fields[1] = ("width", "100"); break;
            case "auto-without-style": fields.Add(("regions", "auto")); break;
            case "unknown-noise": fields.Add(("noise", "mersenne-9000")); break;
            case "bad-scheduler": fields.Add(("scheduler", "warp-drive")); break;
        }

        using MultipartFormDataContent form = GenerateEndpointTests.Form([.. fields]);
        byte[] face = TestImages.Png(TestImages.Face());
        GenerateEndpointTests.AddFile(form, "person0", "a.png", face);
        GenerateEndpointTests.AddFile(form, "person1", mistake == "non-image-photo" ? "notes.txt" : "b.png", mistake == "non-image-photo" ? "notes"u8.ToArray() : face);

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate/stream", UriKind.Relative), form);

        await AssertFieldErrorAsync(response, field, expectedText: null);
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field, string? expectedText)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(text);
        JsonElement errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out JsonElement messages), $"Expected an error for '{field}' but got {errors}.");
        if (expectedText is not null)
        {
            Assert.Contains(expectedText, messages[0].GetString(), StringComparison.Ordinal);
        }
    }

    private static List<(string Event, JsonElement Data)> ParseEvents(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (string block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string type = "message";
            string data = string.Empty;
            foreach (string line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line[6..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data += line[5..].TrimStart();
                }
            }

            events.Add((type, JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }

    private static RgbImage DecodeDataUrl(string url)
    {
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, url, StringComparison.Ordinal);
        return new SkiaImageCodec().Decode(Convert.FromBase64String(url[prefix.Length..]), "result.png");
    }
}
