using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Core.Imaging;
using FaceStudio.Core.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// <see cref="IFaceEmbedder"/> over MobileFace (<c>mobileface.onnx</c> from FaceStudio.Models.Faces): 112×112 crops
/// aligned like ArcFace's, RGB 0…255 as they are (the graph computes <c>(x − 127.5) / 128</c> itself), a 256-d
/// embedding per face, L2-normalised. Its cosines are on their own scale (see docs/identity.md) and it cannot feed a
/// projector trained on 512-d ArcFace embeddings.
/// </summary>
public sealed class MobileFaceEmbedder : IFaceEmbedder, IDisposable
{
    /// <summary>MobileFace's embedding width.</summary>
    public const int EmbeddingDimension = 256;

    private readonly ArcFaceEmbedder _inner;

    /// <summary>Adapts an open session; the graph's contract ([N, 3, 112, 112] → [N, 256]) is checked here.</summary>
    public MobileFaceEmbedder(InferenceSession session, bool ownsSession = false, string modelName = "model")
    {
        _inner = new ArcFaceEmbedder(session, ArcFaceOptions.NormalizationInGraph, ownsSession, modelName);
        if (_inner.Dimension != EmbeddingDimension || _inner.InputSize != FaceAlignment.ArcFaceSize)
        {
            _inner.Dispose();
            throw new ModelContractException($"MobileFace embedder '{modelName}': expected input [N, 3, {FaceAlignment.ArcFaceSize}, {FaceAlignment.ArcFaceSize}] and output [N, {EmbeddingDimension}], found input side {_inner.InputSize} and output width {_inner.Dimension}.");
        }
    }

    /// <summary>Loads a MobileFace model file through the session factory.</summary>
    public static MobileFaceEmbedder Load(string path, Sessions.OnnxSessionOptions? sessionOptions = null, Sessions.ISessionFactory? factory = null)
    {
        return Sessions.SessionLoading.Own(Sessions.SessionLoading.OpenExisting(path, sessionOptions, factory, "MobileFace embedder"),
            session => new MobileFaceEmbedder(session, ownsSession: true, modelName: path));
    }

    /// <inheritdoc />
    public int InputSize => _inner.InputSize;

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <inheritdoc />
    public Task<FloatTensor> EmbedAsync(IReadOnlyList<RgbImage> alignedFaces, CancellationToken cancellationToken = default) =>
        _inner.EmbedAsync(alignedFaces, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();
}
