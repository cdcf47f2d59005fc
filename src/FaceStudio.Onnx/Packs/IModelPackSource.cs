using FaceStudio.Onnx.DependencyInjection;

namespace FaceStudio.Onnx.Packs;

/// <summary>
/// A model pack named by a word instead of a folder (<c>FaceStudio:ModelPack = "demo"</c>), registered in the
/// container by the package that provides it (FaceStudio.Onnx.Demo's <c>UseDemoPack()</c>). The runtime package
/// knows no such pack itself.
/// </summary>
public interface IModelPackSource
{
    /// <summary>The value of <see cref="FaceStudioOnnxOptions.ModelPack"/> that selects this source (compared ignoring case).</summary>
    string Name { get; }

    /// <summary>Returns the pack (generating or checking it as needed).</summary>
    ModelPack Open(FaceStudioOnnxOptions options);
}
