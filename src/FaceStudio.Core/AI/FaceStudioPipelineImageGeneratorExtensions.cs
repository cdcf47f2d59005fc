using System.Diagnostics.CodeAnalysis;
using FaceStudio.Core.AI;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;

// In Microsoft.Extensions.AI, as MEAI's own As… adapters are.
namespace Microsoft.Extensions.AI;

/// <summary><c>pipeline.AsIImageGenerator(codec)</c>.</summary>
public static class FaceStudioPipelineImageGeneratorExtensions
{
    /// <summary>
    /// Wraps <paramref name="pipeline"/> as an <see cref="IImageGenerator"/> (a <see cref="FaceStudioImageGenerator"/>
    /// that does not own the pipeline) using <paramref name="codec"/> for original images and PNG results.
    /// </summary>
    [Experimental("MEAI001")]
    public static IImageGenerator AsIImageGenerator(this FaceStudioPipeline pipeline, IImageCodec codec) =>
        new FaceStudioImageGenerator(pipeline, codec);
}
