using System.Numerics;
using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Benchmarks.Identity;

/// <summary>
/// The pure per-face work around the models: decoding SCRFD heads of a 640² canvas (16 800 anchors, a cluster of
/// 40 candidate boxes through NMS), the Umeyama estimate, and the 112² cv2-exact alignment warp of a 1024² photo.
/// Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*IdentityBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class IdentityBenchmarks
{
    private ScrfdDecoder _decoder = null!;
    private float[][] _scores = null!;
    private float[][] _boxes = null!;
    private float[][] _keypoints = null!;
    private RgbImage _photo = null!;
    private Vector2[] _landmarks = null!;

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new ScrfdDecoder(new ScrfdOptions());
        var rng = new Random(1);
        _scores = new float[3][];
        _boxes = new float[3][];
        _keypoints = new float[3][];
        for (int l = 0; l < 3; l++)
        {
            int n = _decoder.AnchorCount(l);
            _scores[l] = new float[n];
            _boxes[l] = Enumerable.Range(0, n * 4).Select(_ => (float)(rng.NextDouble() * 3)).ToArray();
            _keypoints[l] = Enumerable.Range(0, n * 10).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        }

        // A face-like cluster: neighbouring stride-8 anchors above threshold.
        for (int i = 0; i < 40; i++)
        {
            _scores[0][(80 * 2 * 30) + (2 * 30) + i] = 0.6f + (i * 0.005f);
        }

        _photo = new RgbImage(1024, 1024);
        rng.NextBytes(_photo.Pixels);
        _landmarks = FaceAlignment.ArcFaceTemplate.Select(p => new Vector2((p.X * 3.1f) + 300, (p.Y * 3.1f) + 250)).ToArray();
    }

    [Benchmark]
    public int DecodeScrfd640() => _decoder.Decode(_scores, _boxes, _keypoints, 0.625).Count;

    [Benchmark]
    public double EstimateSimilarity() => FaceAlignment.EstimateNorm(_landmarks).A;

    [Benchmark]
    public int AlignCrop112() => FaceAligner.Crop(_photo, _landmarks).Width;
}
