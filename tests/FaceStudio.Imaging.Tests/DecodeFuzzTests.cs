using FaceStudio.Core.Errors;
using FaceStudio.Core.Imaging;
using SkiaSharp;
using Xunit.Abstractions;

namespace FaceStudio.Imaging.Tests;

/// <summary>
/// Seeded random mutations of valid files: every decode must give an image or a <see cref="FaceStudioException"/>,
/// never another exception, a crash or a hang.
/// </summary>
public class DecodeFuzzTests(ITestOutputHelper output)
{
    // Small limit so a mutated header cannot make one case allocate and decode a huge canvas.
    private static readonly ImageDecodeOptions Options = new() { MaxPixels = 1 << 16 };

    [Theory(Timeout = 120_000)]
    [InlineData(SKEncodedImageFormat.Png, 2000, 1001)]
    [InlineData(SKEncodedImageFormat.Jpeg, 2000, 2002)]
    [InlineData(SKEncodedImageFormat.Webp, 500, 3003)]
    [InlineData(SKEncodedImageFormat.Bmp, 500, 4004)]
    public async Task Mutated_files_decode_or_raise_typed_errors(SKEncodedImageFormat format, int cases, int seed)
    {
        var codec = new SkiaImageCodec();
        byte[][] seeds = Seeds(format);
        var random = new Random(seed);
        int decoded = 0, rejected = 0;
        var errorTypes = new SortedSet<string>(StringComparer.Ordinal);

        await Task.Run(() =>
        {
            for (int i = 0; i < cases; i++)
            {
                byte[] mutated = Mutate(seeds[random.Next(seeds.Length)], random);
                if (format == SKEncodedImageFormat.Png && random.Next(2) == 0)
                {
                    // Half the PNG cases get valid chunk CRCs, otherwise libpng stops at the CRC check.
                    TestImages.FixPngCrcs(mutated);
                }

                string name = $"{format}-fuzz-{seed}-{i}";
                try
                {
                    var image = codec.Decode(mutated, name, Options);
                    Assert.Equal((long)image.Width * image.Height * 3, image.Pixels.LongLength);
                    decoded++;
                }
                catch (FaceStudioException ex)
                {
                    Assert.Contains(name, ex.Message, StringComparison.Ordinal);
                    errorTypes.Add(ex.GetType().Name);
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"case {i} (seed {seed}, {mutated.Length} bytes) threw {ex.GetType().Name}: {ex.Message}");
                }
            }
        });

        output.WriteLine($"{format}: {decoded} decoded, {rejected} rejected ({string.Join(", ", errorTypes)})");
        Assert.Equal(cases, decoded + rejected);
        Assert.True(rejected > cases / 10, "mutations should break a good share of files");
        Assert.Contains(nameof(ImageDecodeException), errorTypes);
    }

    private static byte[][] Seeds(SKEncodedImageFormat format)
    {
        var images = new[] { TestImages.Random(32, 32, 1), TestImages.Smooth(32, 24), TestImages.Random(7, 13, 2) };
        return format switch
        {
            SKEncodedImageFormat.Bmp => [.. images.Select(TestImages.Bmp24)],
            SKEncodedImageFormat.Jpeg => [.. images.Select(i => TestImages.Encode(i, format, 85)), TestImages.WithExifOrientation(TestImages.Encode(images[1], format, 70), 6)],
            SKEncodedImageFormat.Webp => [.. images.Select(i => TestImages.Encode(i, format, 100)), TestImages.Encode(images[1], format, 80)],
            _ => [.. images.Select(i => TestImages.Encode(i, format)), TestImages.PngWithExifOrientation(TestImages.Encode(images[2], format), 5)],
        };
    }

    /// <summary>One to four of: byte flips, random bytes, insertions, deletions, truncation, chunk swaps, duplications.</summary>
    internal static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        int steps = random.Next(1, 5);
        for (int s = 0; s < steps && data.Count > 0; s++)
        {
            int pos = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[pos] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    for (int k = random.Next(1, 9); k > 0; k--)
                    {
                        data[random.Next(data.Count)] = (byte)random.Next(256);
                    }

                    break;
                case 2:
                    {
                        var bytes = new byte[random.Next(1, 17)];
                        random.NextBytes(bytes);
                        data.InsertRange(pos, bytes);
                        break;
                    }

                case 3:
                    data.RemoveRange(pos, Math.Min(random.Next(1, 33), data.Count - pos));
                    break;
                case 4:
                    data.RemoveRange(pos, data.Count - pos);
                    break;
                case 5:
                    {
                        int len = random.Next(1, Math.Max(2, data.Count / 8));
                        int a = random.Next(Math.Max(1, data.Count - len));
                        int b = random.Next(Math.Max(1, data.Count - len));
                        if (a + len <= data.Count && b + len <= data.Count)
                        {
                            var chunkA = data.GetRange(a, len);
                            var chunkB = data.GetRange(b, len);
                            for (int k = 0; k < len; k++)
                            {
                                data[a + k] = chunkB[k];
                            }

                            for (int k = 0; k < len; k++)
                            {
                                data[b + k] = chunkA[k];
                            }
                        }

                        break;
                    }

                default:
                    {
                        int len = Math.Min(random.Next(1, 64), data.Count - pos);
                        data.InsertRange(random.Next(data.Count), data.GetRange(pos, len));
                        break;
                    }
            }
        }

        return [.. data];
    }
}
