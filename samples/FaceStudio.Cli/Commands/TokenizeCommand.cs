using System.CommandLine;
using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Text;

namespace FaceStudio.Cli.Commands;

/// <summary><c>facestudio tokenize "&lt;text&gt;" [--tokenizer DIR]</c>: prints the CLIP ids of a prompt on one line.</summary>
internal static class TokenizeCommand
{
    /// <summary>Environment variable naming the tokenizer folder when <c>--tokenizer</c> is absent.</summary>
    public const string TokenizerEnvironmentVariable = "FACESTUDIO_TOKENIZER";

    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt to tokenize (quote it)." };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "Folder holding vocab.json and merges.txt (a model's tokenizer/ folder). "
                + $"Required unless the {TokenizerEnvironmentVariable} environment variable names one.",
        };
        var command = new Command("tokenize",
            "Print the CLIP token ids of a prompt on one line, separated by spaces: start and end tokens included, "
            + "padding left out, truncated to 77 positions like the text encoder sees it.")
        {
            text,
            tokenizer,
        };
        command.SetAction(parseResult => Run(parseResult.GetValue(text) ?? string.Empty, parseResult.GetValue(tokenizer)));
        return command;
    }

    private static int Run(string text, string? tokenizerOption)
    {
        string directory = ResolveDirectory(tokenizerOption);
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

    private static string ResolveDirectory(string? tokenizerOption)
    {
        if (!string.IsNullOrWhiteSpace(tokenizerOption))
        {
            return tokenizerOption;
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(TokenizerEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        throw new FaceStudioValidationException("--tokenizer",
            $"No tokenizer folder given: expected --tokenizer DIR (a folder with vocab.json and merges.txt) or the {TokenizerEnvironmentVariable} environment variable.");
    }
}
