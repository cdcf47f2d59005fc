using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Pipeline;
using FaceStudio.Imaging;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Identity;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.TestSupport;

namespace FaceStudio.Onnx.Tests.Demo;

/// <summary>
/// The demo pack carries the real face models of FaceStudio.Models.Faces by default (BlazeFace + FaceMesh + MobileFace,
/// with a 256-d projector input), so its identity path works on real photos; <see cref="DemoFaceModels.Random"/> still
/// makes the random SCRFD/ArcFace variant.
/// </summary>
public sealed class DemoPackFaceModelsTests
{
    private static RgbImage Photo(string file) => new SkiaImageCodec().Decode(FacePhotos.Path(file));

    [Fact]
    public void The_default_demo_pack_carries_the_shipped_face_models_byte_for_byte()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"), seed: 3);

        Assert.Equal(FaceModels.ReadAllBytes(FaceModels.BlazeFace), File.ReadAllBytes(pack.FaceDetectorPath!));
        Assert.Equal(FaceModels.ReadAllBytes(FaceModels.FaceMesh), File.ReadAllBytes(pack.FaceLandmarkerPath!));
        Assert.Equal(FaceModels.ReadAllBytes(FaceModels.MobileFace), File.ReadAllBytes(pack.FaceEmbedderPath!));
        using var detector = (IDisposable)FaceBackendLoader.LoadDetector(pack.FaceDetectorPath!, pack.FaceLandmarkerPath);
        using var embedder = (IDisposable)FaceBackendLoader.LoadEmbedder(pack.FaceEmbedderPath!);
        Assert.IsType<BlazeFaceDetector>(detector);
        Assert.Equal(DemoPack.FaceEmbeddingSize, Assert.IsType<MobileFaceEmbedder>(embedder).Dimension);
        Assert.Contains("real face models", pack.Manifest!.Name, StringComparison.Ordinal);
        Assert.Contains("face models are real", File.ReadAllText(Path.Combine(pack.Root, "README.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_random_variant_carries_scrfd_and_a_512_d_arcface()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"), seed: 3, faces: DemoFaceModels.Random);

        Assert.Null(pack.FaceLandmarkerPath);
        using var detector = (IDisposable)FaceBackendLoader.LoadDetector(pack.FaceDetectorPath!, null);
        using var embedder = (IDisposable)FaceBackendLoader.LoadEmbedder(pack.FaceEmbedderPath!);
        Assert.IsType<ScrfdFaceDetector>(detector);
        Assert.Equal(DemoPack.RandomFaceEmbeddingSize, Assert.IsType<ArcFaceEmbedder>(embedder).Dimension);
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoPack.Create(folder.File("bad"), faces: (DemoFaceModels)7));
    }

    [Fact]
    public async Task A_generation_on_the_default_demo_pack_takes_a_real_face_and_refuses_a_photo_without_one()
    {
        using var folder = new TestFolder();
        ModelPack pack = DemoPack.Create(folder.File("pack"));
        using FaceStudioPipeline pipeline = new FaceStudioPipelineBuilder().UseModelPack(pack).Build();
        GenerationRequest request = new() { Prompt = "a portrait photo of a person", Width = 64, Height = 64, Steps = 3, Seed = 11 };

        GenerationResult withFace = await pipeline.GenerateAsync(request with
        {
            Identities = [IdentityInput.FromPhotos(new IdentityPhoto(FacePhotos.Portrait, Photo(FacePhotos.Portrait)))],
        });
        GenerationResult otherFace = await pipeline.GenerateAsync(request with
        {
            Identities = [IdentityInput.FromPhotos(new IdentityPhoto(FacePhotos.OtherPerson, Photo(FacePhotos.OtherPerson)))],
        });
        FaceNotFoundException missing = await Assert.ThrowsAsync<FaceNotFoundException>(() => pipeline.GenerateAsync(request with
        {
            Identities = [IdentityInput.FromPhotos(new IdentityPhoto(FacePhotos.NoPeople, Photo(FacePhotos.NoPeople)))],
        }));

        GeneratedImage image = Assert.Single(withFace.Images);
        Assert.Equal((64, 64), (image.Image.Width, image.Image.Height));

        // The identity reaches the picture: another person's face, same seed and prompt, draws different pixels.
        Assert.NotEqual(image.Image.Pixels, otherFace.Images[0].Image.Pixels);
        Assert.Equal(FacePhotos.NoPeople, missing.PhotoName);
    }
}
