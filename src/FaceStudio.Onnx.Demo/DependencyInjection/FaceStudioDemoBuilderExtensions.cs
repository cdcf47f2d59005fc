using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Onnx.Packs;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddFaceStudio(config).UseDemoPack()</c>: the random-weight demo pack, asked for explicitly.</summary>
public static class FaceStudioDemoBuilderExtensions
{
    /// <summary>
    /// Makes <c>ModelPack = "demo"</c> resolve to the generated demo pack, and uses it for this pipeline when its
    /// <c>ModelPack</c> is not set. Every use logs a warning: the demo weights are random, the pictures noise.
    /// </summary>
    public static IFaceStudioBuilder UseDemoPack(this IFaceStudioBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelPackSource, DemoModelPackSource>());
        builder.Services.PostConfigure<FaceStudioOnnxOptions>(builder.Name, o =>
        {
            if (string.IsNullOrWhiteSpace(o.ModelPack))
            {
                o.ModelPack = FaceStudioOnnxOptions.DemoModelPack;
            }
        });
        return builder;
    }
}
