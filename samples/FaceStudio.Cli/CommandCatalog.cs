using System.CommandLine;

namespace FaceStudio.Cli;

/// <summary>The subcommands of the CLI, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return Commands.GenerateCommand.Create();
        yield return Commands.TokenizeCommand.Create();
        yield return Commands.FacesCommand.Create();
        yield return Commands.EmbedCommand.Create();
        yield return Commands.SimilarityCommand.Create();
        yield return Commands.DemoPackCommand.Create();
    }
}
