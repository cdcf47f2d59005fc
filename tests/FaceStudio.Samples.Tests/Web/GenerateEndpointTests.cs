using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace FaceStudio.Samples.Tests.Web;

/// <summary><c>POST /generate</c> in process (TestServer) on the demo pack.</summary>
public sealed class GenerateEndpointTests(WebSampleFactory factory) : IClassFixture<WebSampleFactory>
{
    [Fact]
    public async Task Prompt_face_and_style_give_the_png_the_pipeline_makes_for_the_same_request()
    {
        using HttpClient client = factory.CreateClient();
        RgbImage face = TestImages.Face();
        RgbImage style = TestImages.Gradient(96, 80);
        using MultipartFormDataContent form = Form(("prompt", "a portrait of a person"), ("steps", "3"), ("seed", "42"), ("width", "128"), ("height", "96"));
        AddFile(form, "face", "face.png", TestImages.Png(face));
        AddFile(form, "style", "style.png", TestImages.Png(style));

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("42", Assert.Single(response.Headers.GetValues("X-FaceStudio-Seed")));
        RgbImage png = new SkiaImageCodec().Decode(await response.Content.ReadAsByteArrayAsync(), "response.png");
        Assert.Equal((128, 96), (png.Width, png.Height));

        // The same request straight to the app's pipeline: every form field must have reached it.
        FaceStudioPipeline pipeline = factory.Services.GetRequiredService<FaceStudioPipeline>();
        GenerationResult expected = await pipeline.GenerateAsync(new GenerationRequest
        {
            Prompt = "a portrait of a person",
            Steps = 3,
            Seed = 42,
            Width = 128,
            Height = 96,
            Identities = [IdentityInput.FromPhotos(new IdentityPhoto("face.png", face))],
            Style = new StyleInput(style),
        });
        Assert.Equal(expected.Images[0].Image.Pixels, png.Pixels);
        Assert.True(File.Exists(Path.Combine(Assert.Single(Directory.GetDirectories(factory.DemoCacheDirectory)), "facestudio.json")));
    }

    [Fact]
    public async Task Default_size_is_512_by_512()
    {
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a portrait of a person"), ("steps", "1"));
        AddFile(form, "face", "face.png", TestImages.Png(TestImages.Face()));
        AddFile(form, "style", "style.png", TestImages.Png(TestImages.Gradient(64, 64)));

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RgbImage png = new SkiaImageCodec().Decode(await response.Content.ReadAsByteArrayAsync(), "response.png");
        Assert.Equal((512, 512), (png.Width, png.Height));
    }

    [Theory]
    [InlineData("no-prompt", "prompt")]
    [InlineData("steps-0", "steps")]
    [InlineData("width-100", "width")]
    [InlineData("unknown-scheduler", "scheduler")]
    [InlineData("steps-not-a-number", "steps")]
    [InlineData("corrupt-face", "face")]
    [InlineData("corrupt-style", "style")]
    [InlineData("too-many-faces", "face")]
    [InlineData("no-face-in-photo", "face")]
    [InlineData("no-face-in-real-photo", "face")]
    public async Task Bad_fields_give_a_400_problem_document_naming_the_field(string problem, string field)
    {
        using HttpClient client = factory.CreateClient();
        var fields = new List<(string, string)> { ("steps", "2"), ("width", "64"), ("height", "64") };
        switch (problem)
        {
            case "steps-0": fields[0] = ("steps", "0"); break;
            case "steps-not-a-number": fields[0] = ("steps", "many"); break;
            case "width-100": fields[1] = ("width", "100"); break;
            case "unknown-scheduler": fields.Add(("scheduler", "no-such-sampler")); break;
        }

        if (problem != "no-prompt")
        {
            fields.Add(("prompt", "a cat"));
        }

        using MultipartFormDataContent form = Form([.. fields]);
        byte[] facePng = TestImages.Png(TestImages.Face());
        switch (problem)
        {
            case "corrupt-face": AddFile(form, "face", "face.png", facePng.AsSpan(0, 60).ToArray()); break;
            case "corrupt-style": AddFile(form, "style", "style.png", "GIF89a not really"u8.ToArray()); break;
            case "no-face-in-photo": AddFile(form, "face", "grey.png", TestImages.Png(TestImages.Grey())); break;
            case "no-face-in-real-photo": AddFile(form, "face", "coffee.png", TestImages.Png(TestImages.NoFace())); break;
            case "too-many-faces":
                for (int i = 0; i < 5; i++)
                {
                    AddFile(form, "face", string.Create(CultureInfo.InvariantCulture, $"face{i}.png"), facePng);
                }

                break;
        }

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problemDocument = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problemDocument.RootElement.GetProperty("errors");
        JsonProperty only = Assert.Single(errors.EnumerateObject());
        Assert.Equal(field, only.Name);
        Assert.False(string.IsNullOrWhiteSpace(only.Value[0].GetString()));
        Assert.Equal(400, problemDocument.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a cat"), ("steps", "1"), ("width", "64"), ("height", "64"));
        AddFile(form, "style", "big.png", new byte[WebSampleFactory.MaxRequestBytes + 1]);

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read()
    {
        // Same shape as the 413 case but small enough: the limit is what decides, not the file's content.
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a cat"), ("steps", "1"), ("width", "64"), ("height", "64"));
        AddFile(form, "style", "big.png", new byte[WebSampleFactory.MaxRequestBytes - 4096]);

        using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);

        // Read, then rejected as an image (not as a body size).
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    internal static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach ((string name, string value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    internal static void AddFile(MultipartFormDataContent form, string name, string fileName, byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, name, fileName);
    }
}
