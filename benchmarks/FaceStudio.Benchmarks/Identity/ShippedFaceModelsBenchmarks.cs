using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Imaging;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Identity;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Benchmarks.Identity;

/// <summary>
/// One face through the shipped models (FaceStudio.Models.Faces), ONNX Runtime CPU: BlazeFace detection (256² letterbox
/// of the 512² astronaut portrait), the FaceMesh landmark stage, alignment and the MobileFace embedding — the whole
/// <see cref="IdentityEncoder"/> path — and each stage alone.
/// Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*ShippedFaceModelsBenchmarks*'
/// The Min column is the best single iteration: on a shared machine it is the figure least inflated by other load.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ShippedFaceModelsBenchmarks
{
    private BlazeFaceDetector _detector = null!;
    private MobileFaceEmbedder _embedder = null!;
    private IdentityEncoder _encoder = null!;
    private RgbImage _photo = null!;
    private RgbImage _crop = null!;
    private DetectedFace _face = null!;

    [GlobalSetup]
    public void Setup()
    {
        _detector = new BlazeFaceDetector(
            new InferenceSession(FaceModels.ReadAllBytes(FaceModels.BlazeFace)),
            new FaceMeshLandmarker(new InferenceSession(FaceModels.ReadAllBytes(FaceModels.FaceMesh)), ownsSession: true),
            ownsSession: true);
        _embedder = new MobileFaceEmbedder(new InferenceSession(FaceModels.ReadAllBytes(FaceModels.MobileFace)), ownsSession: true);
        _encoder = new IdentityEncoder(_detector, _embedder);
        _photo = new SkiaImageCodec().Decode(Path.Combine(RepositoryRoot(), "tests", "TestData", "faces", "photos", "astronaut.jpg"));
        _face = _detector.DetectAsync(_photo).GetAwaiter().GetResult().Single();
        _crop = FaceAligner.Crop(_photo, _face);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector.Dispose();
        _embedder.Dispose();
    }

    /// <summary>Detect + landmarks + align + embed of the one face in a 512² portrait.</summary>
    [Benchmark(Baseline = true)]
    public Task<IdentityEmbedding> DetectLandmarkEmbed() => _encoder.EncodeAsync([new IdentityPhoto("astronaut", _photo)]);

    /// <summary>BlazeFace alone (letterbox, run, decode, weighted NMS).</summary>
    [Benchmark]
    public Task<IReadOnlyList<FaceCandidate>> BlazeFace() => _detector.DetectCandidatesAsync(_photo);

    /// <summary>BlazeFace and the FaceMesh stage (detect with landmarks, no embedding).</summary>
    [Benchmark]
    public Task<IReadOnlyList<FaceMeshLandmarks>> BlazeFaceAndFaceMesh() => _detector.DetectWithLandmarksAsync(_photo);

    /// <summary>The 5-point alignment and 112² crop of the detected face (cv2-exact warp), no model.</summary>
    [Benchmark]
    public RgbImage Align() => FaceAligner.Crop(_photo, _face);

    /// <summary>MobileFace on one aligned 112² crop.</summary>
    [Benchmark]
    public Task<Core.Tensors.FloatTensor> MobileFace() => _embedder.EmbedAsync([_crop]);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No FaceStudio.Core.sln above '{AppContext.BaseDirectory}'.");
    }
}
