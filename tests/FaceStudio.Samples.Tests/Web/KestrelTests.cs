using System.Net;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Web;
using Microsoft.AspNetCore.Builder;

namespace FaceStudio.Samples.Tests.Web;

/// <summary>The web sample on a real Kestrel socket (127.0.0.1, a free port chosen by the OS).</summary>
public sealed class KestrelTests
{
    [Fact]
    public async Task Real_http_requests_are_served_on_a_free_port_and_the_app_shuts_down()
    {
        using var folder = new TempFolder();
        WebApplication app = WebSample.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--FaceStudio:DemoCacheDirectory", folder.Path,
            "--GenerateEndpoint:MaxRequestBytes", "65536",
            "--Logging:LogLevel:Default", "None",
        ]);
        Uri address;
        await using (app)
        {
            await app.StartAsync();
            address = new Uri(Assert.Single(app.Urls));
            Assert.Equal("127.0.0.1", address.Host);
            Assert.NotEqual(0, address.Port);

            using var client = new HttpClient { BaseAddress = address };
            string home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
            Assert.Contains("<title>FaceStudio", home, StringComparison.Ordinal);
            string api = await client.GetStringAsync(new Uri("/api", UriKind.Relative));
            Assert.Contains("POST /generate", api, StringComparison.Ordinal);

            using (MultipartFormDataContent form = GenerateEndpointTests.Form(("prompt", "a cat"), ("steps", "2"), ("width", "64"), ("height", "64"), ("seed", "5")))
            {
                GenerateEndpointTests.AddFile(form, "face", "face.png", TestImages.Png(TestImages.Face()));
                using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
                RgbImage png = new SkiaImageCodec().Decode(await response.Content.ReadAsByteArrayAsync(), "response.png");
                Assert.Equal((64, 64), (png.Width, png.Height));
            }

            using (MultipartFormDataContent form = GenerateEndpointTests.Form(("width", "64")))
            {
                using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            using (MultipartFormDataContent form = GenerateEndpointTests.Form(("prompt", "a cat")))
            {
                GenerateEndpointTests.AddFile(form, "style", "big.png", new byte[70_000]);
                using HttpResponseMessage response = await client.PostAsync(new Uri("/generate", UriKind.Relative), form);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }

            await app.StopAsync();
        }

        // Stopped: the port no longer answers.
        using var after = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => after.GetAsync(address));
    }
}
