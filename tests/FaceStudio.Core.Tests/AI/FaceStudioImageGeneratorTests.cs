#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI.
using System.Drawing;
using FaceStudio.Core.AI;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Core.Tests.Pipeline;
using Microsoft.Extensions.AI;

namespace FaceStudio.Core.Tests.AI;

public class FaceStudioImageGeneratorTests
{
    [Fact]
    public async Task Maps_options_and_additional_properties_onto_the_pipeline_request()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());
        var options = new ImageGenerationOptions
        {
            Count = 2,
            ImageSize = new Size(64, 72),
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [FaceStudioImageGenerator.Keys.Steps] = 4,
                [FaceStudioImageGenerator.Keys.Scheduler] = "ddim",
                [FaceStudioImageGenerator.Keys.Seed] = "21",
                [FaceStudioImageGenerator.Keys.GuidanceScale] = 5.0,
            },
        };

        ImageGenerationResponse response = await generator.GenerateAsync(new ImageGenerationRequest("a portrait"), options);

        var result = Assert.IsType<GenerationResult>(response.RawRepresentation);
        Assert.Equal(2, response.Contents.Count);
        Assert.All(response.Contents, c => Assert.Equal("image/png", Assert.IsType<DataContent>(c).MediaType));
        Assert.Equal(21, result.Metadata.Seed);
        Assert.Equal("ddim", result.Metadata.Scheduler);
        Assert.Equal(4, result.Metadata.Steps);
        Assert.Equal(5f, result.Metadata.GuidanceScale);
        Assert.Equal(72, result.Images[0].Image.Height);

        // The same request through the pipeline directly gives the same pixels.
        GenerationResult direct = await pipeline.GenerateAsync(new GenerationRequest { Prompt = "a portrait", Width = 64, Height = 72, Steps = 4, Scheduler = "ddim", Seed = 21, GuidanceScale = 5f });
        Assert.Equal(RawCodec.Encode(direct.Images[0].Image), ((DataContent)response.Contents[0]).Data.ToArray());
    }

    [Fact]
    public async Task Wrongly_typed_setting_is_a_validation_error_naming_the_key()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());
        var options = new ImageGenerationOptions { AdditionalProperties = new() { [FaceStudioImageGenerator.Keys.Steps] = "many" } };

        var ex = await Assert.ThrowsAsync<FaceStudioValidationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x"), options));
        Assert.Equal(FaceStudioImageGenerator.Keys.Steps, ex.ParameterName);
    }

    [Fact]
    public async Task A_uri_response_format_is_not_supported()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());
        var options = new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Uri };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(new ImageGenerationRequest("x"), options));
        Assert.Contains("response format 'Uri' is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_id_naming_another_model_is_not_supported_and_its_own_is_accepted()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using IImageGenerator generator = pipeline.AsIImageGenerator(new RawCodec());

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(new ImageGenerationRequest("x"), new ImageGenerationOptions { ModelId = "dall-e-3" }));
        Assert.Contains("ModelId 'dall-e-3' names another model", ex.Message, StringComparison.Ordinal);

        var ok = new ImageGenerationOptions { ModelId = FaceStudioImageGenerator.ModelId, AdditionalProperties = new() { [FaceStudioImageGenerator.Keys.Steps] = 2 } };
        ImageGenerationResponse response = await generator.GenerateAsync(new ImageGenerationRequest("x"), ok);
        Assert.Single(response.Contents);
        Assert.Equal(FaceStudioImageGenerator.ModelId, generator.GetService<ImageGeneratorMetadata>()!.DefaultModelId);
        Assert.Same(pipeline, generator.GetService<FaceStudioPipeline>());
    }

    [Fact]
    public async Task Null_seed_and_strength_mean_unset_random_seed_and_no_init_image()
    {
        // JSON-configured options carry explicit nulls; they must act like absent keys, not seed 0 or img2img.
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());
        var options = new ImageGenerationOptions
        {
            AdditionalProperties = new()
            {
                [FaceStudioImageGenerator.Keys.Steps] = 2,
                [FaceStudioImageGenerator.Keys.Seed] = null,
                [FaceStudioImageGenerator.Keys.Strength] = null,
            },
        };
        var request = new ImageGenerationRequest("x", [new DataContent(RawCodec.Encode(new RgbImage(64, 64)), "image/x-raw")]);

        // The fake pipeline has no VAE encoder, so an init image would be rejected.
        ImageGenerationResponse a = await generator.GenerateAsync(request, options);
        ImageGenerationResponse b = await generator.GenerateAsync(request, options);

        long seedA = Assert.IsType<GenerationResult>(a.RawRepresentation).Metadata.Seed;
        long seedB = Assert.IsType<GenerationResult>(b.RawRepresentation).Metadata.Seed;
        Assert.NotEqual(seedA, seedB);
    }

    [Fact]
    public async Task String_settings_may_arrive_as_json_elements_like_numbers_do()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());
        using var json = System.Text.Json.JsonDocument.Parse("""{ "scheduler": "ddim", "negative": "blurry", "steps": 3 }""");
        var options = new ImageGenerationOptions
        {
            AdditionalProperties = new()
            {
                [FaceStudioImageGenerator.Keys.Scheduler] = json.RootElement.GetProperty("scheduler"),
                [FaceStudioImageGenerator.Keys.NegativePrompt] = json.RootElement.GetProperty("negative"),
                [FaceStudioImageGenerator.Keys.Steps] = json.RootElement.GetProperty("steps"),
                [FaceStudioImageGenerator.Keys.Seed] = 3,
            },
        };

        ImageGenerationResponse response = await generator.GenerateAsync(new ImageGenerationRequest("x"), options);

        GenerationResult result = Assert.IsType<GenerationResult>(response.RawRepresentation);
        Assert.Equal("ddim", result.Metadata.Scheduler);
        Assert.Equal(3, result.Metadata.Steps);
        GenerationResult direct = await pipeline.GenerateAsync(new GenerationRequest { Prompt = "x", NegativePrompt = "blurry", Scheduler = "ddim", Steps = 3, Seed = 3 });
        Assert.Equal(RawCodec.Encode(direct.Images[0].Image), ((DataContent)response.Contents[0]).Data.ToArray());
    }

    [Fact]
    public void Exposes_metadata_and_the_pipeline_as_services()
    {
        using FaceStudioPipeline pipeline = PipelineFakes.Builder().Build();
        using var generator = new FaceStudioImageGenerator(pipeline, new RawCodec());

        Assert.Equal("facestudio", generator.GetService<ImageGeneratorMetadata>()!.ProviderName);
        Assert.Same(pipeline, generator.GetService<FaceStudioPipeline>());
    }

    /// <summary>A stand-in codec: "PNG" is width, height and raw RGB, enough to compare bytes.</summary>
    private sealed class RawCodec : IImageCodec
    {
        public static byte[] Encode(RgbImage image) => [.. BitConverter.GetBytes(image.Width), .. BitConverter.GetBytes(image.Height), .. image.Pixels];

        public RgbImage Decode(string path, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public RgbImage Decode(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public RgbImage Decode(ReadOnlyMemory<byte> data, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
        {
            int w = BitConverter.ToInt32(data.Span), h = BitConverter.ToInt32(data.Span[4..]);
            return new RgbImage(w, h, data[8..].ToArray());
        }

        public void EncodePng(RgbImage image, Stream destination, CancellationToken cancellationToken = default) => destination.Write(Encode(image));

        public void EncodePng(RgbImage image, string path, CancellationToken cancellationToken = default) => File.WriteAllBytes(path, Encode(image));

        public Task<RgbImage> DecodeAsync(Stream stream, string sourceName, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task EncodePngAsync(RgbImage image, Stream destination, CancellationToken cancellationToken = default) => destination.WriteAsync(Encode(image), cancellationToken).AsTask();
    }
}
