using System.CommandLine;
using FaceStudio.Cli;

// Entry point: each subcommand lives in Commands/ and is registered here.
var root = new RootCommand("facestudio: put a person's face into any generated picture (FaceStudio.Core SDK).");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await CliRunner.RunAsync(root, args).ConfigureAwait(false);
