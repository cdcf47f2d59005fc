using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaceStudio.Imaging;
using FaceStudio.Samples.Tests.Web;
using FaceStudio.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using static FaceStudio.Samples.Tests.Web.GenerateEndpointTests;

namespace FaceStudio.Samples.Tests.Adversarial;

/// <summary>
/// Hostile uploads to <c>POST /generate</c>: decompression bombs and pixel budgets (413 naming the field, before any
/// pixel is decoded), and broken or limit-breaking multipart bodies (4xx naming the right limit, never 500).
/// </summary>
public sealed class WebAdversarialTests(WebSampleFactory factory) : IClassFixture<WebSampleFactory>
{
    private static readonly Uri Generate = new("/generate", UriKind.Relative);

    [Fact]
    public async Task A_small_png_declaring_8000x8000_is_413_naming_the_field_without_being_decoded()
    {
        byte[] bomb = BombPng(8000, 8000);
        Assert.True(bomb.Length < 1024, $"The bomb is {bomb.Length} bytes.");
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a cat"), ("steps", "1"), ("width", "64"), ("height", "64"));
        AddFile(form, "style", "bomb.png", bomb);

        using HttpResponseMessage response = await client.PostAsync(Generate, form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string field = await OnlyErrorField(response);
        Assert.Equal("style", field);
    }

    [Theory]
    [InlineData("/faces", "photo")]
    [InlineData("/generate/stream", "style")]
    public async Task The_studio_endpoints_refuse_a_png_bomb_with_413_naming_the_field(string endpoint, string field)
    {
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a cat"), ("steps", "1"), ("width", "64"), ("height", "64"));
        AddFile(form, field, "bomb.png", BombPng(8000, 8000));

        using HttpResponseMessage response = await client.PostAsync(new Uri(endpoint, UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(field, await OnlyErrorField(response));
    }

    [Fact]
    public async Task The_pixel_budget_is_the_sum_over_all_uploads()
    {
        // Two 128x128 faces are 32768 pixels; a budget of 20000 takes the first and refuses the second.
        using WebApplicationFactory<Program> small = factory.WithWebHostBuilder(b => b.UseSetting("GenerateEndpoint:MaxUploadPixels", "20000"));
        using HttpClient client = small.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", "a cat"), ("steps", "1"), ("width", "64"), ("height", "64"));
        byte[] face = TestImages.Png(TestImages.Face());
        AddFile(form, "face", "a.png", face);
        AddFile(form, "face", "b.png", face);

        using HttpResponseMessage response = await client.PostAsync(Generate, form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("b.png", body, StringComparison.Ordinal);
        Assert.Equal("face", await OnlyErrorField(response));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("no-boundary")]
    public async Task Broken_multipart_bodies_are_400(string kind)
    {
        using HttpClient client = factory.CreateClient();
        string boundary = "b0undary";
        string body = kind switch
        {
            "truncated" => $"--{boundary}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na ca",
            "garbage" => "\u0001\u0002 this is not multipart at all \r\n\r\n--",
            _ => $"--{boundary}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na cat\r\n--{boundary}--\r\n",
        };
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", kind == "no-boundary" ? "multipart/form-data" : $"multipart/form-data; boundary={boundary}");

        using HttpResponseMessage response = await client.PostAsync(Generate, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("fields", "1024")]
    [InlineData("boundary", "128")]
    [InlineData("header", "16384")]
    public async Task Form_limits_are_400_naming_their_own_limit_not_the_body_size(string kind, string limit)
    {
        using HttpClient client = factory.CreateClient();
        string boundary = kind == "boundary" ? new string('b', 200) : "b0undary";
        var body = new StringBuilder();
        int fields = kind == "fields" ? 1100 : 1;
        for (int i = 0; i < fields; i++)
        {
            string extra = kind == "header" ? "; filler=\"" + new string('x', 20000) + "\"" : string.Empty;
            body.Append($"--{boundary}\r\nContent-Disposition: form-data; name=\"f{i}\"{extra}\r\n\r\nv\r\n");
        }

        body.Append($"--{boundary}--\r\n");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString()));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");

        using HttpResponseMessage response = await client.PostAsync(Generate, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string detail = await response.Content.ReadAsStringAsync();
        Assert.Contains(limit, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(WebSampleFactory.MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overflowing_prompt_weight_is_400_naming_the_prompt()
    {
        using HttpClient client = factory.CreateClient();
        using MultipartFormDataContent form = Form(("prompt", new string('(', 1000) + "cat"), ("steps", "1"), ("width", "64"), ("height", "64"));

        using HttpResponseMessage response = await client.PostAsync(Generate, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("prompt", await OnlyErrorField(response));
    }

    [Fact]
    public async Task A_body_slower_than_the_minimum_rate_is_408()
    {
        // Kestrel raises this from the body stream when data arrives below MinRequestBodyDataRate.
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "multipart/form-data; boundary=b0undary";
        context.Request.Body = new SlowBody();
        IOptions<GenerateEndpointOptions> options = Options.Create(new GenerateEndpointOptions());
        using var gate = new UploadDecodeGate(options);

        IResult result = await GenerateEndpoint.HandleAsync(context.Request, pipeline: null!, new SkiaImageCodec(), options, gate, CancellationToken.None);

        Assert.Equal(StatusCodes.Status408RequestTimeout, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
    }

    private static async Task<string> OnlyErrorField(HttpResponseMessage response)
    {
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Assert.Single(problem.RootElement.GetProperty("errors").EnumerateObject()).Name;
    }

    /// <summary>A valid PNG header declaring <paramref name="width"/>×<paramref name="height"/> RGB, with one row of data.</summary>
    private static byte[] BombPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                z.Write(new byte[1 + (width * 3)]);
            }

            Chunk(png, "IDAT", raw.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        }

        return ~c;
    }

    /// <summary>A request body whose reads fail as Kestrel's do when the client sends too slowly.</summary>
    private sealed class SlowBody : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw TooSlow();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(TooSlow());

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(TooSlow());

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static BadHttpRequestException TooSlow() => new("Reading the request body timed out due to data arriving too slowly. See MinRequestBodyDataRate.", StatusCodes.Status408RequestTimeout);
    }
}
