using System.CommandLine;
using System.Globalization;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Cli.Commands;

/// <summary><c>facestudio demo-pack --out DIR [--seed N]</c>: writes the demo model pack (random weights, no downloads).</summary>
internal static class DemoPackCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the pack into (created if needed).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => DemoPack.DefaultSeed };
        var command = new Command("demo-pack", "Write a demo model pack built from seeded random weights (noise-like pictures; for trying the pipeline without downloads).")
        {
            output,
            seed,
        };
        command.SetAction(parse =>
        {
            DirectoryInfo folder = parse.GetValue(output)!;
            ModelPack pack = DemoPack.Create(folder.FullName, parse.GetValue(seed));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo model pack written to {pack.Root}"));
            foreach (string file in Directory.EnumerateFiles(pack.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Path.GetRelativePath(pack.Root, file)} ({new FileInfo(file).Length} bytes)"));
            }

            Console.WriteLine(DemoNotice.Text);
            return 0;
        });
        return command;
    }
}
