namespace FaceStudio.Samples.Tests.Docs;

/// <summary>
/// Every C# block of README.md, docs/*.md and the package/sample READMEs compiles against the SDK, so a page cannot
/// drift from the API. A deliberately partial block says so in its fence (<c>```csharp no-compile</c>).
/// </summary>
public sealed class DocSnippetTests
{
    private static readonly string Root = TestImages.RepositoryRoot();

    /// <summary>The snippets, one test case each, named file:line.</summary>
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (DocSnippet s in AllSnippets().Where(s => s.Compiles))
        {
            data.Add(s.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_compiles(string location)
    {
        DocSnippet snippet = AllSnippets().Single(s => s.ToString() == location);
        IReadOnlyList<string> errors = SnippetCompiler.Errors(snippet);
        Assert.True(errors.Count == 0, $"The C# snippet at {location} does not compile:\n{string.Join('\n', errors)}\n--- snippet ---\n{snippet.Code}");
    }

    [Fact]
    public void The_docs_hold_snippets_and_few_are_exempt()
    {
        DocSnippet[] all = AllSnippets().ToArray();
        Assert.Contains(all, s => s.File == "README.md");
        Assert.Contains(all, s => s.File == "docs/getting-started.md");
        Assert.Contains(all, s => s.File == "docs/configuration.md");

        // Exemptions stay rare: at most one in ten blocks may skip compilation.
        int exempt = all.Count(s => !s.Compiles);
        Assert.True(exempt * 10 <= all.Length, $"{exempt} of {all.Length} snippets are marked no-compile: {string.Join(", ", all.Where(s => !s.Compiles))}");
    }

    [Fact]
    public void A_broken_snippet_is_reported_with_its_markdown_line()
    {
        var broken = new DocSnippet("docs/example.md", 10, "using FaceStudio.Core.Pipeline;\n\nvar r = new GenerationRequest { Prompt = 42 };", Compiles: true);
        IReadOnlyList<string> errors = SnippetCompiler.Errors(broken);
        string error = Assert.Single(errors);
        Assert.StartsWith("docs/example.md:13:", error, StringComparison.Ordinal);
        Assert.Contains("error CS", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snippet_must_show_its_usings()
    {
        var withoutUsing = new DocSnippet("docs/example.md", 1, "var r = new GenerationRequest { Prompt = \"x\" };", Compiles: true);
        Assert.Contains(SnippetCompiler.Errors(withoutUsing), e => e.Contains("CS0246", StringComparison.Ordinal));
    }

    [Fact]
    public void Relative_links_of_the_docs_lead_to_files_that_exist()
    {
        var broken = new List<string>();
        foreach (string file in DocSnippet.MarkdownFiles(Root))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(lines[i], @"\]\(([^)\s#]+)(#[^)]*)?\)"))
                {
                    string target = m.Groups[1].Value;
                    if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                    if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    {
                        broken.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {target}");
                    }
                }
            }
        }

        Assert.True(broken.Count == 0, "Links to missing files:\n" + string.Join('\n', broken));
    }

    private static IEnumerable<DocSnippet> AllSnippets() =>
        DocSnippet.MarkdownFiles(Root).SelectMany(f => DocSnippet.Read(Root, f));
}
