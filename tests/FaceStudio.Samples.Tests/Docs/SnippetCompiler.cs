using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FaceStudio.Samples.Tests.Docs;

/// <summary>
/// Compiles a documentation snippet with Roslyn against the SDK's assemblies, as a user's console app would: top-level
/// statements (or type declarations only), the .NET SDK's implicit global usings and nothing else, so every FaceStudio
/// namespace the snippet needs must be in the snippet.
/// </summary>
internal static class SnippetCompiler
{
    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a Microsoft.NET.Sdk project.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>Assemblies of this test run that a snippet must not see (the samples' own programs and the tests).</summary>
    private static readonly string[] Hidden = ["facestudio", "FaceStudio.Web", "FaceStudio.Samples.Tests", "FaceStudio.TestSupport", "testhost"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>The compiler's errors for <paramref name="snippet"/>, each as <c>file:line:column: error CSxxxx: message</c> in Markdown coordinates.</summary>
    public static IReadOnlyList<string> Errors(DocSnippet snippet)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(snippet.Code, parse, path: snippet.File);
        bool program = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithAllowUnsafe(false);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [tree, CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "ImplicitUsings.cs")],
            References.Value,
            options);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => Format(snippet, d))
            .ToArray();
    }

    private static string Format(DocSnippet snippet, Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetLineSpan();
        if (span.Path != snippet.File)
        {
            return $"{snippet.File}:{snippet.Line}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        // +1 for the fence line, +1 for 1-based lines.
        int line = snippet.Line + span.StartLinePosition.Line + 1;
        return $"{snippet.File}:{line}:{span.StartLinePosition.Character + 1}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        string trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("The runtime lists no trusted platform assemblies.");
        return trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Hidden.Contains(Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase))
            .Where(IsManaged)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
