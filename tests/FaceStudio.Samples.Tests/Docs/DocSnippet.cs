namespace FaceStudio.Samples.Tests.Docs;

/// <summary>One <c>```csharp</c> block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with '/' separators.</param>
/// <param name="Line">1-based line of the opening fence.</param>
/// <param name="Code">The block's text, without the fences.</param>
/// <param name="Compiles">False when the fence says <c>```csharp no-compile</c> (a deliberately partial snippet).</param>
public sealed record DocSnippet(string File, int Line, string Code, bool Compiles)
{
    /// <summary>The Markdown files whose C# blocks must compile: README.md, docs/*.md and the package and sample READMEs.</summary>
    public static IEnumerable<string> MarkdownFiles(string root)
    {
        var files = new List<string> { Path.Combine(root, "README.md") };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"));
        foreach (string folder in new[] { "src", "samples" })
        {
            files.AddRange(Directory.EnumerateDirectories(Path.Combine(root, folder))
                .Select(d => Path.Combine(d, "README.md"))
                .Where(System.IO.File.Exists));
        }

        return files.Order(StringComparer.Ordinal);
    }

    /// <summary>Every C# block of <paramref name="path"/> (fences <c>```csharp</c>, <c>```cs</c> or <c>```c#</c>).</summary>
    public static IEnumerable<DocSnippet> Read(string root, string path)
    {
        string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        string[] lines = System.IO.File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string[] info = fence[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int start = i;
            int end = i + 1;
            while (end < lines.Length && !lines[end].Trim().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidDataException($"{relative}:{start + 1}: the code block opened here is never closed.");
            }

            i = end;
            if (info.Length > 0 && info[0] is "csharp" or "cs" or "c#")
            {
                string code = string.Join('\n', lines[(start + 1)..end]);
                yield return new DocSnippet(relative, start + 1, code, !info.Contains("no-compile"));
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}";
}
