using FaceStudio.Core.Imaging;

namespace FaceStudio.Core.Identity;

/// <summary>A reference photo of a person and the name errors and reports use for it (usually its path).</summary>
/// <param name="Name">How the photo is named in messages and reports.</param>
/// <param name="Image">The decoded, upright photo.</param>
public sealed record IdentityPhoto(string Name, RgbImage Image);
