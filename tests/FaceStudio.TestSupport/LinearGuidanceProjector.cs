using System.Numerics.Tensors;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Tensors;

namespace FaceStudio.TestSupport;

/// <summary>
/// A projector that is one affine map, <c>tokens = reshape(W · [e_h ‖ e_f] + b, [K, D])</c>: the FaceStudio Linear in
/// plain C#: the test oracle for the ONNX projector and a fast projector for pipeline tests.
/// </summary>
public sealed class LinearGuidanceProjector : IGuidanceProjector
{
    private readonly float[] _weight;
    private readonly float[] _bias;

    /// <summary>Creates the projector.</summary>
    /// <param name="weight">Row-major [K·D, E + F]: the image-embedding columns first, then the face-embedding columns.</param>
    /// <param name="bias">[K·D], or null for no bias.</param>
    /// <param name="faceEmbeddingDim">F (512 for ArcFace).</param>
    /// <param name="imageEmbeddingDim">E; 0 for a face-only (IP-Adapter-FaceID style) projector.</param>
    /// <param name="tokensPerIdentity">K.</param>
    /// <param name="tokenDim">D.</param>
    public LinearGuidanceProjector(float[] weight, float[]? bias, int faceEmbeddingDim, int imageEmbeddingDim, int tokensPerIdentity, int tokenDim)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(faceEmbeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegative(imageEmbeddingDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerIdentity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokenDim);
        int outputs = checked(tokensPerIdentity * tokenDim);
        int inputs = checked(imageEmbeddingDim + faceEmbeddingDim);
        if (weight.Length != checked(outputs * inputs))
        {
            throw new ModelContractException($"Projector weight must hold [{outputs}, {inputs}] = {outputs * inputs} values (K·D rows, E + F columns) but has {weight.Length}.");
        }

        if (bias is not null && bias.Length != outputs)
        {
            throw new ModelContractException($"Projector bias must hold K·D = {outputs} values but has {bias.Length}.");
        }

        _weight = weight;
        _bias = bias ?? new float[outputs];
        FaceEmbeddingDim = faceEmbeddingDim;
        ImageEmbeddingDim = imageEmbeddingDim;
        TokensPerIdentity = tokensPerIdentity;
        TokenDim = tokenDim;
    }

    /// <inheritdoc />
    public int FaceEmbeddingDim { get; }

    /// <inheritdoc />
    public int ImageEmbeddingDim { get; }

    /// <inheritdoc />
    public int TokensPerIdentity { get; }

    /// <inheritdoc />
    public int TokenDim { get; }

    /// <inheritdoc />
    public Task<FloatTensor> ProjectAsync(FloatTensor faceEmbeddings, FloatTensor? imageEmbeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceEmbeddings);
        cancellationToken.ThrowIfCancellationRequested();
        int rows = faceEmbeddings.Rank == 2 ? faceEmbeddings.Dim(0) : -1;
        if (rows < 0 || faceEmbeddings.Dim(1) != FaceEmbeddingDim)
        {
            throw new ModelContractException($"face_embeds must be [N, {FaceEmbeddingDim}] but is {faceEmbeddings}.");
        }

        if (ImageEmbeddingDim > 0 && (imageEmbeddings is null || imageEmbeddings.Rank != 2 || imageEmbeddings.Dim(0) != rows || imageEmbeddings.Dim(1) != ImageEmbeddingDim))
        {
            throw new ModelContractException($"image_embeds must be [{rows}, {ImageEmbeddingDim}] but is {(imageEmbeddings?.ToString() ?? "missing")}.");
        }

        int inputs = ImageEmbeddingDim + FaceEmbeddingDim;
        int outputs = TokensPerIdentity * TokenDim;
        var input = new float[inputs];
        var result = new FloatTensor(rows, TokensPerIdentity, TokenDim);
        for (int n = 0; n < rows; n++)
        {
            if (ImageEmbeddingDim > 0)
            {
                imageEmbeddings!.Buffer.AsSpan(n * ImageEmbeddingDim, ImageEmbeddingDim).CopyTo(input);
            }

            faceEmbeddings.Buffer.AsSpan(n * FaceEmbeddingDim, FaceEmbeddingDim).CopyTo(input.AsSpan(ImageEmbeddingDim));
            Span<float> row = result.Buffer.AsSpan(n * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                row[o] = TensorPrimitives.Dot(_weight.AsSpan(o * inputs, inputs), input) + _bias[o];
            }
        }

        return Task.FromResult(result);
    }
}
