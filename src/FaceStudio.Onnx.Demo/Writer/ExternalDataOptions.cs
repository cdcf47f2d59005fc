namespace FaceStudio.Onnx.Demo.Writer;

/// <summary>How <see cref="OnnxModelBuilder.Save"/> moves large initializers into an external data file.</summary>
/// <param name="FileName">Data file name, next to the model; null means the model's file name + <c>_data</c> (<c>model.onnx_data</c>).</param>
/// <param name="SizeThreshold">Initializers of at least this many bytes go to the data file; smaller ones stay inline.</param>
/// <param name="Alignment">Byte alignment of each tensor's offset in the data file (4096 lets runtimes memory-map it).</param>
public sealed record ExternalDataOptions(string? FileName = null, long SizeThreshold = 1024, int Alignment = 4096)
{
    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (FileName is not null && (FileName.Length == 0 || FileName.IndexOfAny(['/', '\\']) >= 0 || FileName is "." or ".."))
        {
            throw new ArgumentException($"External data file name must be a plain file name next to the model; got '{FileName}'.", nameof(FileName));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(SizeThreshold);
        if (Alignment <= 0 || (Alignment & (Alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Alignment), Alignment, "Alignment must be a positive power of two.");
        }
    }
}
