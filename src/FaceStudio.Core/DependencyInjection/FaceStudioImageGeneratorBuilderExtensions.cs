using System.Diagnostics.CodeAnalysis;
using FaceStudio.Core.AI;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using Microsoft.Extensions.AI;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddFaceStudio(...).AddImaging().AddImageGenerator()</c>.</summary>
public static class FaceStudioImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Registers this pipeline as a Microsoft.Extensions.AI <see cref="IImageGenerator"/> (keyed by the pipeline's name
    /// for a named pipeline; needs an <see cref="IImageCodec"/>, e.g. <c>.AddImaging()</c>) and returns MEAI's
    /// <see cref="ImageGeneratorBuilder"/>, so <c>.UseLogging()</c> and <c>.UseOpenTelemetry()</c> chain.
    /// </summary>
    [Experimental("MEAI001")]
    public static ImageGeneratorBuilder AddImageGenerator(this IFaceStudioBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Name.Length == 0)
        {
            return builder.Services.AddImageGenerator(sp => new FaceStudioImageGenerator(sp.GetRequiredService<FaceStudioPipeline>(), sp.GetRequiredService<IImageCodec>()));
        }

        string name = builder.Name;
        return builder.Services.AddKeyedImageGenerator(name, sp => new FaceStudioImageGenerator(sp.GetRequiredKeyedService<FaceStudioPipeline>(name), sp.GetRequiredService<IImageCodec>()));
    }
}
