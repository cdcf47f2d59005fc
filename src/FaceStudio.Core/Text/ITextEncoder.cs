namespace FaceStudio.Core.Text;

/// <summary>Prompt text to token embeddings (CLIP text encoder); owns its tokenizer.</summary>
public interface ITextEncoder
{
    /// <summary>Width of each token embedding (768 for Stable Diffusion 1.5).</summary>
    int HiddenSize { get; }

    /// <summary>
    /// Most context tokens one prompt's encoding can have: 77 for a plain CLIP encoder, a multiple of 77 when long prompts
    /// are encoded in several windows laid end to end. <see cref="EncodeAsync"/> returns T ≤ <see cref="MaxTokens"/>.
    /// </summary>
    int MaxTokens { get; }

    /// <summary>
    /// Encodes all prompts in one batched run (prompt and negative prompt together).
    /// </summary>
    /// <param name="prompts">One or more prompts; an empty string is the unconditional prompt.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns><c>last_hidden_state</c> as [B, T, D] (T the same for every prompt) and, when the model has it, <c>pooler_output</c> as [B, D].</returns>
    Task<TextEncoding> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default);
}
