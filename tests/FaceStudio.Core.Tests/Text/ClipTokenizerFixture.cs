using FaceStudio.Core.Text;

namespace FaceStudio.Core.Tests.Text;

/// <summary>Loads the 49,408-entry vocabulary once for all tokenizer tests.</summary>
public sealed class ClipTokenizerFixture
{
    /// <summary>The tokenizer built from tests/TestData/clip-tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; } = ClipTokenizer.FromDirectory(TestData.ClipTokenizerDirectory);
}
