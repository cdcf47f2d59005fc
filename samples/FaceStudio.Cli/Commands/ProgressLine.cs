using System.Diagnostics;
using System.Globalization;
using FaceStudio.Core.Pipeline;

namespace FaceStudio.Cli.Commands;

/// <summary>
/// The one-line progress display of <c>generate</c> on stderr, redrawn in place:
/// <c>[#####     ]  50% image 2/3 step 5/10  2.00 steps/s  ETA 0:08</c>. The rate and the ETA count every denoiser
/// step since the line was created, over all images.
/// </summary>
/// <param name="writer">Where the line is drawn (<see cref="TextWriter.Null"/> draws nothing).</param>
/// <param name="imageCount">How many images the run makes.</param>
internal sealed class ProgressLine(TextWriter writer, int imageCount) : IProgress<GenerationProgress>
{
    private const int BarWidth = 24;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _lastLength;

    /// <summary>The image (0-based) being generated now; the CLI runs one request per image.</summary>
    public int ImageIndex { get; set; }

    /// <inheritdoc />
    public void Report(GenerationProgress value)
    {
        if (value.Stage != GenerationStage.Denoising)
        {
            return;
        }

        string line = Describe(ImageIndex, imageCount, value.Step, value.TotalSteps, _clock.Elapsed);
        writer.Write('\r' + line + new string(' ', Math.Max(0, _lastLength - line.Length)));
        _lastLength = line.Length;
    }

    /// <summary>Ends the line so what follows starts on a new one.</summary>
    public void Finish()
    {
        if (_lastLength > 0)
        {
            writer.WriteLine();
            _lastLength = 0;
        }
    }

    /// <summary>The text of the line for step <paramref name="step"/> of image <paramref name="imageIndex"/> after <paramref name="elapsed"/>.</summary>
    internal static string Describe(int imageIndex, int imageCount, int step, int totalSteps, TimeSpan elapsed)
    {
        long total = (long)imageCount * totalSteps;
        long done = ((long)imageIndex * totalSteps) + step;
        double fraction = total == 0 ? 0 : (double)done / total;
        int filled = (int)Math.Round(fraction * BarWidth);
        double rate = elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0;
        string speed = rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{rate:F2} steps/s") : "-- steps/s";
        string eta = rate > 0 ? Clock(TimeSpan.FromSeconds((total - done) / rate)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string(' ', BarWidth - filled)}] {fraction * 100,3:F0}% image {imageIndex + 1}/{imageCount} step {step}/{totalSteps}  {speed}  ETA {eta}");
    }

    private static string Clock(TimeSpan t)
    {
        long seconds = (long)Math.Round(t.TotalSeconds);
        return seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:D2}:{seconds % 60:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:D2}");
    }
}
