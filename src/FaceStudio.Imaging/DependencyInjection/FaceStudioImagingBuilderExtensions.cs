// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddFaceStudio(...).AddImaging()</c>.</summary>
public static class FaceStudioImagingBuilderExtensions
{
    /// <summary>Registers the SkiaSharp image codec (see <see cref="FaceStudioImagingServiceCollectionExtensions.AddFaceStudioImaging"/>) and returns the builder.</summary>
    public static IFaceStudioBuilder AddImaging(this IFaceStudioBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFaceStudioImaging();
        return builder;
    }
}
