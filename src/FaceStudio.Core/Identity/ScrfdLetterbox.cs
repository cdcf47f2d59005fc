namespace FaceStudio.Core.Identity;

/// <summary>
/// How SCRFD fits a photo into its canvas (InsightFace's <c>SCRFD.detect</c>): keep the aspect ratio, fill the
/// limiting side, truncate the other to an integer, anchor at the top-left and pad with black.
/// </summary>
/// <param name="ResizedWidth">Width of the resized photo inside the canvas.</param>
/// <param name="ResizedHeight">Height of the resized photo inside the canvas.</param>
/// <param name="Scale">InsightFace's <c>det_scale</c>, <c>ResizedHeight / photo height</c>; detections are divided by it.</param>
public readonly record struct ScrfdLetterbox(int ResizedWidth, int ResizedHeight, double Scale)
{
    /// <summary>Computes the letterbox of a <paramref name="imageWidth"/> × <paramref name="imageHeight"/> photo.</summary>
    public static ScrfdLetterbox Compute(int imageWidth, int imageHeight, int inputWidth, int inputHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        double imageRatio = (double)imageHeight / imageWidth;
        double modelRatio = (double)inputHeight / inputWidth;
        int newWidth, newHeight;
        if (imageRatio > modelRatio)
        {
            newHeight = inputHeight;
            newWidth = (int)(newHeight / imageRatio);
        }
        else
        {
            newWidth = inputWidth;
            newHeight = (int)(newWidth * imageRatio);
        }

        // A sliver of a photo would truncate to zero; one pixel keeps the pipeline defined.
        newWidth = Math.Max(1, newWidth);
        newHeight = Math.Max(1, newHeight);
        return new ScrfdLetterbox(newWidth, newHeight, (double)newHeight / imageHeight);
    }
}
