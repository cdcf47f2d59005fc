using FaceStudio.Samples.Tests.Cli;

namespace FaceStudio.Samples.Tests.Adversarial;

/// <summary>
/// <c>generate --out</c> at targets that are not regular files, and seeds at the end of the int64 range: one-line
/// errors, exit 1, nothing replaced (as root, <c>--out /dev/null</c> used to turn the device into a file).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliOutputAdversarialTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Theory]
    [InlineData("device")]
    [InlineData("symlink")]
    [InlineData("directory")]
    public async Task Out_at_a_special_target_is_a_one_line_error_naming_it(string kind)
    {
        if (OperatingSystem.IsWindows() && kind == "device")
        {
            return;
        }

        string folder = fixture.NewFolder();
        string victim = Path.Combine(folder, "victim.txt");
        File.WriteAllText(victim, "keep");
        string target = kind switch
        {
            "device" => "/dev/null",
            "symlink" => File.CreateSymbolicLink(Path.Combine(folder, "out.png"), victim).FullName,
            _ => Directory.CreateDirectory(Path.Combine(folder, "out.png")).FullName,
        };

        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--steps", "2", "--size", "64x64", "--models", fixture.Pack.Root, "--out", target, "--quiet");

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains($"'{target}'", line, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(victim));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(folder), e => Path.GetFileName(e).EndsWith(".tmp", StringComparison.Ordinal));
        if (kind == "device")
        {
            Assert.Equal(0, new FileInfo("/dev/null").Length);
        }
    }

    [Fact]
    public async Task Seed_at_int64_max_with_count_2_is_a_one_line_error_not_a_wrap()
    {
        string folder = fixture.NewFolder();
        CliResult run = await CliFixture.RunAsync("generate", "--prompt", "a cat", "--steps", "2", "--size", "64x64", "--models", fixture.Pack.Root, "--out", Path.Combine(folder, "out.png"), "--seed", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", "2", "--quiet");

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("Seed must be at most 9223372036854775806 for 2 images", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }
}
