using System.CommandLine;
using System.Globalization;
using FaceStudio.Onnx.Demo;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Cli.Commands;

/// <summary>
/// <c>facestudio demo-pack --out DIR [--seed N] [--faces shipped|random]</c>: writes the demo model pack (the shipped real
/// face models, or random SCRFD/ArcFace stand-ins; random-weight diffusion models; no downloads).
/// </summary>
internal static class DemoPackCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the pack into (created if needed).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => DemoPack.DefaultSeed };
        var faces = new Option<DemoFaceModels>("--faces")
        {
            Description = "Face models: 'shipped' (the real BlazeFace + FaceMesh + MobileFace of FaceStudio.Models.Faces, 256-d) or 'random' (random SCRFD/ArcFace graphs with InsightFace's contracts, 512-d: stand-ins for packs whose projector expects ArcFace).",
            DefaultValueFactory = _ => DemoFaceModels.Shipped,
        };
        var command = new Command("demo-pack", "Write a demo model pack: real face models, diffusion models from seeded random weights (noise-like pictures; for trying the pipeline without downloads).")
        {
            output,
            seed,
            faces,
        };
        command.SetAction(parse =>
        {
            DirectoryInfo folder = parse.GetValue(output)!;
            DemoFaceModels faceModels = parse.GetValue(faces);
            ModelPack pack = DemoPack.Create(folder.FullName, parse.GetValue(seed), faceModels);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo model pack written to {pack.Root}"));
            foreach (string file in Directory.EnumerateFiles(pack.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Path.GetRelativePath(pack.Root, file)} ({new FileInfo(file).Length} bytes)"));
            }

            Console.WriteLine(faceModels == DemoFaceModels.Shipped ? DemoNotice.Text : DemoPack.RandomFacesNotice);
            return 0;
        });
        return command;
    }
}
