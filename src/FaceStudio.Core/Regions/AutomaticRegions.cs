using System.Globalization;
using FaceStudio.Core.Errors;
using FaceStudio.Core.Guidance;
using FaceStudio.Core.Identity;

namespace FaceStudio.Core.Regions;

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
                .OrderBy(i => faces[i].Box.CenterX)
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
            RegionBox person = options.Rule.Expand(faces[chosen[k]].Box, sourceWidth, sourceHeight);
            regions[k] = IdentityRegion.FromBox(person.Rescale(sx, sy));
        }

        return regions;
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
