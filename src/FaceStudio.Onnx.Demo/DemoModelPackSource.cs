using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Onnx.Packs;
using Microsoft.Extensions.Logging;

namespace FaceStudio.Onnx.Demo;

/// <summary>
/// The <see cref="IModelPackSource"/> behind <c>FaceStudio:ModelPack = "demo"</c>: the cached <see cref="DemoPack"/>,
/// announced with a warning every time it is opened, because its weights are random.
/// </summary>
public sealed class DemoModelPackSource(ILogger<DemoModelPackSource> logger) : IModelPackSource
{
    /// <inheritdoc />
    public string Name => FaceStudioOnnxOptions.DemoModelPack;

    /// <inheritdoc />
    public ModelPack Open(FaceStudioOnnxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ModelPack pack = DemoPack.EnsureCached(options.DemoCacheDirectory);
        logger.LogWarning("Using the FaceStudio demo pack at {Path}: {Notice}", pack.Root, DemoPack.Notice);
        return pack;
    }
}
