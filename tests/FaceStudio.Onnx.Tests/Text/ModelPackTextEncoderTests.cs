using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Text;

namespace FaceStudio.Onnx.Tests.Text;

/// <summary>The text encoder <c>UseModelPack</c> builds follows the demo denoiser's dynamic context, end to end.</summary>
public sealed class ModelPackTextEncoderTests
{
    [Fact]
    public async Task DemoPackAllowsThreeWindowsAndAGenerationTakesATwoWindowPrompt()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.Path);
        FaceStudioPipelineBuilder builder = new FaceStudioPipelineBuilder().UseModelPack(pack);

        // The demo UNet declares a dynamic sequence axis: 3 windows of 77.
        Assert.Null(builder.Denoiser!.Capabilities.MaxContextTokens);
        OnnxTextEncoder encoder = Assert.IsType<OnnxTextEncoder>(builder.TextEncoder);
        Assert.Equal(3 * 77, encoder.MaxTokens);
        Assert.False(encoder.Options.FillContext);

        // The demo tokenizer is byte-level without merges: 100 letters are 100 tokens, two windows.
        string prompt = new('a', 100);
        Core.Text.TextEncoding text = await encoder.EncodeAsync(["", prompt]);
        Assert.Equal([2, 2 * 77, encoder.HiddenSize], text.HiddenStates.ShapeArray());

        using FaceStudioPipeline pipeline = builder.Build();
        GenerationResult result = await pipeline.GenerateAsync(new GenerationRequest { Prompt = "(" + prompt + ":1.2)", Width = 64, Height = 64, Steps = 2, Seed = 3 });
        GeneratedImage image = Assert.Single(result.Images);
        Assert.Equal(64, image.Image.Width);
    }

    [Fact]
    public async Task PromptBeyondThreeWindowsIsTruncatedWithAWarningThroughTheBuildersLoggers()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.Path);
        var loggers = new CapturingLoggerFactory();
        FaceStudioPipelineBuilder builder = new FaceStudioPipelineBuilder().UseLoggerFactory(loggers).UseModelPack(pack);
        using FaceStudioPipeline pipeline = builder.Build();

        Core.Text.TextEncoding text = await builder.TextEncoder!.EncodeAsync(["", new string('b', 300)]);

        Assert.Equal([2, 3 * 77, builder.TextEncoder.HiddenSize], text.HiddenStates.ShapeArray());
        Assert.Contains(loggers.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("300 tokens but only 225 fit", StringComparison.Ordinal));
    }
}
