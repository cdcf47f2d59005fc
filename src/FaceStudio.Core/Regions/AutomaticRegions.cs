using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;

namespace FaceStudio.Core.Regions;

/// <summary>
/// How a face box grows into the region of the whole person: widened about its centre, extended a little above
/// (hair) and further below (neck, shoulders, torso), then clamped to the image.
/// </summary>
/// <remarks>
/// For a face box (x, y, w, h): the person box is centred on the face, <c>WidthFactor·w</c> wide, and spans
/// from <c>y − AboveFactor·h</c> to <c>y + h + BelowFactor·h</c>. Defaults: 2.0, 0.5, 3.5.
/// </remarks>
public sealed record PersonRegionRule
{
    /// <summary>Person width in face widths, ≥ 1.</summary>
    public float WidthFactor { get; init; } = 2.0f;

    /// <summary>Extension above the face, in face heights, ≥ 0.</summary>
    public float AboveFactor { get; init; } = 0.5f;

    /// <summary>Extension below the face, in face heights, ≥ 0.</summary>
    public float BelowFactor { get; init; } = 3.5f;

    /// <summary>Throws <see cref="FaceStudioValidationException"/> naming the first factor outside its range.</summary>
    public void Validate()
    {
        GuidanceOptions.CheckRange(nameof(WidthFactor), WidthFactor, 1f, 100f);
        GuidanceOptions.CheckRange(nameof(AboveFactor), AboveFactor, 0f, 100f);
        GuidanceOptions.CheckRange(nameof(BelowFactor), BelowFactor, 0f, 100f);
    }

    /// <summary>The person box for a face box, clamped to a <paramref name="imageWidth"/> × <paramref name="imageHeight"/> image.</summary>
    public RegionBox Expand(RegionBox face, int imageWidth, int imageHeight)
    {
        float width = face.Width * WidthFactor;
        float top = face.Y - (AboveFactor * face.Height);
        float bottom = face.Bottom + (BelowFactor * face.Height);
        return new RegionBox(face.CenterX - (width / 2f), top, width, bottom - top).ClampTo(imageWidth, imageHeight);
    }
}

/// <summary>Settings for regions derived from faces found in a style/content image.</summary>
public sealed record AutomaticRegionOptions
{
    /// <summary>Face-to-person expansion.</summary>
    public PersonRegionRule Rule { get; init; } = new();

    /// <summary>Faces scoring below this (in [0, 1]) are ignored.</summary>
    public float MinScore { get; init; } = 0.5f;

    /// <summary>
    /// Explicit assignment: entry k is the index (in the detector's list) of identity k's face. Null: the kept faces
    /// are sorted left to right by box centre and identity k takes the k-th (their count must equal the identities').
    /// </summary>
    public IReadOnlyList<int>? FaceForIdentity { get; init; }
}

/// <summary>Regions from detected faces: each face expanded to a person box and assigned to an identity.</summary>
public static class AutomaticRegions
{
    /// <summary>Builds one box region per identity.</summary>
    /// <param name="faces">Faces found in the source (style/content) image, in its pixels.</param>
    /// <param name="sourceWidth">Source image width.</param>
    /// <param name="sourceHeight">Source image height.</param>
    /// <param name="identityCount">Number of identities N.</param>
    /// <param name="outputWidth">Generated image width; boxes are rescaled from source to output pixels.</param>
    /// <param name="outputHeight">Generated image height.</param>
    /// <param name="options">Rule, score threshold and assignment; defaults when null.</param>
    /// <exception cref="FaceStudioValidationException">Counts or indices do not match.</exception>
    public static IReadOnlyList<IdentityRegion> FromFaces(IReadOnlyList<DetectedFace> faces, int sourceWidth, int sourceHeight, int identityCount, int outputWidth, int outputHeight, AutomaticRegionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(faces);
        options ??= new AutomaticRegionOptions();
        options.Rule.Validate();
        GuidanceOptions.CheckRange(nameof(options.MinScore), options.MinScore, 0f, 1f);
        CheckPositive(nameof(sourceWidth), sourceWidth);
        CheckPositive(nameof(sourceHeight), sourceHeight);
        CheckPositive(nameof(outputWidth), outputWidth);
        CheckPositive(nameof(outputHeight), outputHeight);

        int[] chosen;
        if (options.FaceForIdentity is { } map)
        {
            if (map.Count != identityCount)
            {
                throw new FaceStudioValidationException(nameof(options.FaceForIdentity), Inv($"{nameof(options.FaceForIdentity)} must name one face per identity ({identityCount}) but names {map.Count}."));
            }

            chosen = new int[identityCount];
            for (int k = 0; k < identityCount; k++)
            {
                if (map[k] < 0 || map[k] >= faces.Count)
                {
                    throw new FaceStudioValidationException(nameof(options.FaceForIdentity), Inv($"{nameof(options.FaceForIdentity)}[{k}] must be a face index in [0, {faces.Count - 1}] but is {map[k]}."));
                }

                if (Array.IndexOf(chosen, map[k], 0, k) >= 0)
                {
                    throw new FaceStudioValidationException(nameof(options.FaceForIdentity), Inv($"{nameof(options.FaceForIdentity)} assigns face {map[k]} to more than one identity."));
                }

                chosen[k] = map[k];
            }
        }
        else
        {
            chosen = Enumerable.Range(0, faces.Count)
                .Where(i => faces[i].Score >= options.MinScore)
                .OrderBy(i => BoxOf(faces[i]).CenterX)
                .ThenBy(i => i)
                .ToArray();
            if (chosen.Length != identityCount)
            {
                throw new FaceStudioValidationException("Regions", Inv($"Automatic regions need one face per identity: {identityCount} identities but {chosen.Length} faces scored ≥ {options.MinScore} (of {faces.Count} found). Give boxes or masks, or an explicit {nameof(options.FaceForIdentity)} map."));
            }
        }

        float sx = (float)outputWidth / sourceWidth;
        float sy = (float)outputHeight / sourceHeight;
        var regions = new IdentityRegion[identityCount];
        for (int k = 0; k < identityCount; k++)
        {
            RegionBox person = options.Rule.Expand(BoxOf(faces[chosen[k]]), sourceWidth, sourceHeight);
            regions[k] = IdentityRegion.FromBox(person.Rescale(sx, sy));
        }

        return regions;
    }

    /// <summary>The face box of a detection as a region box (left, top, width, height).</summary>
    public static RegionBox BoxOf(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return new RegionBox(face.Box.X1, face.Box.Y1, face.Box.Width, face.Box.Height);
    }

    private static void CheckPositive(string name, int value)
    {
        if (value <= 0)
        {
            throw new FaceStudioValidationException(name, Inv($"{name} must be positive but is {value}."));
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
