namespace FaceStudio.Core.Tests.Text;

/// <summary>Finds the shared test data: the folder beside the one holding FaceStudio.Core.sln, then shared/.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindSharedRoot);

    /// <summary>The CLIP vocabulary and merges (../shared/data/clip-tokenizer).</summary>
    public static string ClipTokenizerDirectory => Path.Combine(Root.Value, "data", "clip-tokenizer");

    private static string FindSharedRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceStudio.Core.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                if (Directory.Exists(shared))
                {
                    return shared;
                }

                throw new DirectoryNotFoundException($"Expected the shared test data at '{shared}' (beside the repository).");
            }
        }

        throw new DirectoryNotFoundException($"No FaceStudio.Core.sln above '{AppContext.BaseDirectory}'.");
    }
}
