using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SkiaSharp image codec.</summary>
public static class FaceStudioImagingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SkiaImageCodec"/> as the singleton <see cref="IImageCodec"/> (unless one is registered already).</summary>
    public static IServiceCollection AddFaceStudioImaging(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IImageCodec, SkiaImageCodec>();
        return services;
    }
}
