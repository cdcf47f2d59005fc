using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Text;

namespace FaceStudio.Cli.Commands;

/// <summary><c>facestudio tokenize "&lt;text&gt;" [--tokenizer DIR | --models DIR]</c>: prints the CLIP ids of a prompt on one line.</summary>
internal static class TokenizeCommand
{
    /// <summary>Environment variable naming the tokenizer folder when neither <c>--tokenizer</c> nor <c>--models</c> is given.</summary>
    public const string TokenizerEnvironmentVariable = ModelResolver.TokenizerVariable;

    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt to tokenize (quote it)." };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "Folder holding vocab.json and merges.txt (a model's tokenizer/ folder). "
                + $"Default: the --models pack's tokenizer, then the {TokenizerEnvironmentVariable} environment variable, then the demo pack's (byte-level) tokenizer.",
        };
        var models = ModelResolver.ModelsOption();
        var command = new Command("tokenize",
            "Print the CLIP token ids of a prompt on one line, separated by spaces: start and end tokens included, "
            + "padding left out, truncated to 77 positions like the text encoder sees it.")
        {
            text,
            tokenizer,
            models,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(text) ?? string.Empty,
            new ModelResolver(parseResult.GetValue(models), Console.Error).Tokenizer(parseResult.GetValue(tokenizer))));
        return command;
    }

    private static int Run(string text, string directory)
    {
        ClipTokenizer clip = ClipTokenizer.FromDirectory(directory);
        TokenizedText tokens = clip.Tokenize(text);
        Console.Out.WriteLine(string.Join(' ', tokens.InputIds.Take(tokens.TokenCount).Select(id => id.ToString(CultureInfo.InvariantCulture))));
        if (tokens.Truncated)
        {
            int content = clip.EncodeContent(text).Count;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the prompt has {content} tokens; only the first {clip.MaxLength - 2} fit in {clip.MaxLength} positions."));
        }

        return 0;
    }
}
