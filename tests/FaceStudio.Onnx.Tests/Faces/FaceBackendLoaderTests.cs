using FaceStudio.Core.Errors;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Identity;

namespace FaceStudio.Onnx.Tests.Faces;

/// <summary>The shipped models extract to files and load as the backend their graph's contract names.</summary>
public sealed class FaceBackendLoaderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "facestudio-faces-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Extracted_models_match_the_embedded_bytes_and_load_as_their_kind()
    {
        string root = FaceModels.ExtractTo(_dir);
        foreach (string name in FaceModels.FileNames)
        {
            Assert.Equal(FaceModels.ReadAllBytes(name), File.ReadAllBytes(Path.Combine(root, name)));
        }

        Assert.Equal(root, FaceModels.ExtractTo(_dir)); // a second extraction leaves the files as they are

        using (var detector = (IDisposable)FaceBackendLoader.LoadDetector(Path.Combine(root, FaceModels.BlazeFace), Path.Combine(root, FaceModels.FaceMesh)))
        {
            Assert.Equal(256, Assert.IsType<BlazeFaceDetector>(detector).Options.InputSize);
        }

        using (var front = (IDisposable)FaceBackendLoader.LoadDetector(Path.Combine(root, FaceModels.BlazeFaceFront), Path.Combine(root, FaceModels.FaceMesh)))
        {
            Assert.Equal(128, Assert.IsType<BlazeFaceDetector>(front).Options.InputSize);
        }

        using (var embedder = (IDisposable)FaceBackendLoader.LoadEmbedder(Path.Combine(root, FaceModels.MobileFace)))
        {
            Assert.Equal(256, Assert.IsType<MobileFaceEmbedder>(embedder).Dimension);
        }

        var error = Assert.Throws<ModelContractException>(() => FaceBackendLoader.LoadDetector(Path.Combine(root, FaceModels.BlazeFace), null));
        Assert.Contains("faceLandmarker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_model_names_are_rejected() =>
        Assert.Throws<ArgumentException>(() => FaceModels.Open("arcface.onnx"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
