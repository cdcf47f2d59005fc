using FaceStudio.Core.Errors;

namespace FaceStudio.Onnx.Packs;

/// <summary>A model pack folder is incomplete or invalid; <see cref="Problems"/> lists every problem found.</summary>
public sealed class ModelPackException : FaceStudioException
{
    /// <summary>Creates the exception for the pack at <paramref name="root"/>.</summary>
    public ModelPackException(string root, IReadOnlyList<string> problems, Exception? innerException = null)
        : base($"Model pack '{root}' is not usable ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}", innerException)
    {
        Root = root;
        Problems = problems;
    }

    /// <summary>The pack folder.</summary>
    public string Root { get; }

    /// <summary>Each problem, one sentence each (missing files, escaping paths, bad manifest values).</summary>
    public IReadOnlyList<string> Problems { get; }
}
