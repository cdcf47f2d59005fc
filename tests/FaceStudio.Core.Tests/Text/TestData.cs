namespace FaceStudio.Core.Tests.Text;

/// <summary>The test data of the repository (tests/TestData), copied beside the test assembly by the build.</summary>
internal static class TestData
{
    /// <summary>The CLIP vocabulary and merges (tests/TestData/clip-tokenizer).</summary>
    public static string ClipTokenizerDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "clip-tokenizer");
}
