using BenchmarkDotNet.Attributes;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;

namespace FaceStudio.Benchmarks.Imaging;

/// <summary>
/// Per-image preprocessing costs: resize 1024 -> 512 (antialiased), CLIP and SCRFD geometry for a 12 MP photo, CHW
/// conversion of a 512x512 image, the 112x112 face-alignment warp. Run: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*Imaging*'
/// </summary>
[MemoryDiagnoser]
public class ImagingBenchmarks
{
    private RgbImage _photo = null!;
    private RgbImage _large = null!;
    private RgbImage _medium = null!;
    private float[] _chw = null!;
    private SimilarityTransform _align;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _large = new RgbImage(1024, 1024);
        random.NextBytes(_large.Pixels);
        _photo = new RgbImage(4000, 3000);
        random.NextBytes(_photo.Pixels);
        _medium = new RgbImage(512, 512);
        random.NextBytes(_medium.Pixels);
        _chw = new float[3 * 512 * 512];
        _align = SimilarityTransform.FromScaleRotation(0.3, 0.2, -40, 10);
    }

    [Benchmark]
    public RgbImage ResizeBilinear1024To512() => ImageResize.Resize(_large, 512, 512, ResizeFilter.Bilinear);

    [Benchmark]
    public RgbImage ResizeBicubic1024To512() => ImageResize.Resize(_large, 512, 512, ResizeFilter.Bicubic);

    [Benchmark]
    public RgbImage ClipGeometryFrom12MegapixelPhoto() => ImageOps.ResizeAndCenterCrop(_photo, 224);

    [Benchmark]
    public LetterboxResult ScrfdLetterbox12MegapixelPhotoTo640() => Letterbox.Fit(_photo, 640, 640);

    [Benchmark]
    public void WriteChw512() => ImageTensors.WriteChw(_medium, ChannelNormalization.Clip, _chw);

    [Benchmark]
    public RgbImage FromChw512() => ImageTensors.FromChw(_chw, 512, 512, ChannelNormalization.MinusOneToOne);

    [Benchmark]
    public RgbImage WarpTo112() => OpenCvAffineWarp.Warp(_large, _align, 112, 112);
}
