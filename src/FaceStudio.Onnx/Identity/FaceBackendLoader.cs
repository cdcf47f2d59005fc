using FaceStudio.Core.Errors;
using FaceStudio.Core.Identity;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Identity;

/// <summary>
/// Opens a face detector or embedder file and picks its backend from the graph's contract: a graph with BlazeFace's
/// outputs (<c>classificators_1</c>, …) becomes a <see cref="BlazeFaceDetector"/> (it then needs a FaceMesh file),
/// any other detector an <see cref="ScrfdFaceDetector"/>; an embedder whose output is MobileFace's
/// (<c>embedding</c> [N, 256]) becomes a <see cref="MobileFaceEmbedder"/>, any other an <see cref="ArcFaceEmbedder"/>.
/// </summary>
public static class FaceBackendLoader
{
    /// <summary>True when <paramref name="session"/> has BlazeFace's outputs.</summary>
    public static bool IsBlazeFace(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.OutputMetadata.ContainsKey("classificators_1") && session.OutputMetadata.ContainsKey("regressors_1");
    }

    /// <summary>True when <paramref name="session"/> has MobileFace's output (<c>embedding</c>, 256 wide).</summary>
    public static bool IsMobileFace(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.OutputMetadata.Count == 1 && session.OutputMetadata.TryGetValue("embedding", out var m)
            && m.Dimensions.Length == 2 && m.Dimensions[1] == MobileFaceEmbedder.EmbeddingDimension;
    }

    /// <summary>Loads a detector of either kind; the result owns its sessions.</summary>
    /// <param name="detectorPath">BlazeFace or SCRFD ONNX file.</param>
    /// <param name="landmarkerPath">FaceMesh ONNX file; required for BlazeFace, ignored for SCRFD.</param>
    /// <param name="sessionOptions">Session settings.</param>
    /// <param name="factory">Session factory.</param>
    /// <param name="scoreThreshold">Detection score threshold; null keeps the backend's default (0.5 for both).</param>
    public static IFaceDetector LoadDetector(string detectorPath, string? landmarkerPath, OnnxSessionOptions? sessionOptions = null, ISessionFactory? factory = null, float? scoreThreshold = null)
    {
        var session = SessionLoading.OpenExisting(detectorPath, sessionOptions, factory, "face detector");
        try
        {
            if (!IsBlazeFace(session))
            {
                var scrfd = scoreThreshold is { } st ? new ScrfdOptions { ScoreThreshold = st } : null;
                return new ScrfdFaceDetector(session, scrfd, ownsSession: true, modelName: detectorPath);
            }

            if (landmarkerPath is null)
            {
                throw new ModelContractException($"Face detector '{detectorPath}' is BlazeFace, which needs a FaceMesh landmark model (facestudio.json component 'faceLandmarker'), but none was given.");
            }

            var landmarker = FaceMeshLandmarker.Load(landmarkerPath, sessionOptions, factory);
            try
            {
                var blaze = scoreThreshold is { } bt ? new BlazeFaceOptions { ScoreThreshold = bt } : null;
                return new BlazeFaceDetector(session, landmarker, blaze, ownsSession: true, modelName: detectorPath);
            }
            catch
            {
                landmarker.Dispose();
                throw;
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Loads an embedder of either kind; the result owns its session.</summary>
    public static IFaceEmbedder LoadEmbedder(string embedderPath, OnnxSessionOptions? sessionOptions = null, ISessionFactory? factory = null)
    {
        var session = SessionLoading.OpenExisting(embedderPath, sessionOptions, factory, "face embedder");
        try
        {
            return IsMobileFace(session)
                ? new MobileFaceEmbedder(session, ownsSession: true, modelName: embedderPath)
                : new ArcFaceEmbedder(session, ownsSession: true, modelName: embedderPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
