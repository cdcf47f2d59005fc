using Microsoft.Extensions.DependencyInjection;

namespace FaceStudio.Onnx.DependencyInjection;

/// <summary>The <see cref="IFaceStudioBuilder"/> that <c>AddFaceStudio(...)</c> returns.</summary>
internal sealed class FaceStudioBuilder(IServiceCollection services, string name) : IFaceStudioBuilder
{
    public IServiceCollection Services { get; } = services;

    public string Name { get; } = name;
}
