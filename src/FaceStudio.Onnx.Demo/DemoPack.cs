using System.Globalization;
using System.Text;
using System.Text.Json;
using FaceStudio.Models.Faces;
using FaceStudio.Onnx.Demo.Writer;
using FaceStudio.Onnx.Demo.Writer.Models;
using FaceStudio.Onnx.Packs;

namespace FaceStudio.Onnx.Demo;

/// <summary>
/// Generates a demo model pack that runs anywhere without downloads: the real face models shipped in
/// FaceStudio.Models.Faces (BlazeFace + FaceMesh detect and landmark, MobileFace embeds, 256-d), so the identity path
/// works on real photos; every other component (text encoder, UNet, VAE, CLIP vision encoder, projector) built by the
/// ONNX writer from seeded random weights, following the real contracts, plus a tiny byte-level tokenizer. Its
/// pictures are noise-like. Real models are loaded from a folder (<c>--models DIR</c>).
/// </summary>
public static class DemoPack
{
    /// <summary>Bumped whenever the generated content changes, so caches regenerate.</summary>
    public const int Version = 4;

    /// <summary>Seed used when none is given.</summary>
    public const ulong DefaultSeed = 20231205;

    /// <summary>Context width (D) of the demo text encoder, UNet and projector.</summary>
    public const int HiddenSize = 64;

    /// <summary>Tokens per identity (K) of the demo projector and UNet.</summary>
    public const int IdentityTokens = 4;

    /// <summary>CLIP image embedding width (E) of the demo image encoder.</summary>
    public const int ImageEmbeddingSize = 64;

    /// <summary>Face embedding width the demo projector takes with the shipped face models (MobileFace, 256).</summary>
    public const int FaceEmbeddingSize = 256;

    /// <summary>Face embedding width of the random ArcFace of <see cref="DemoFaceModels.Random"/> (512, as InsightFace's).</summary>
    public const int RandomFaceEmbeddingSize = 512;

    /// <summary>The sentence the CLI and README print about demo packs.</summary>
    public const string Notice = "The demo pack's face models are real (BlazeFace, FaceMesh and MobileFace from FaceStudio.Models.Faces: faces, embeddings and similarities mean something), but its denoiser, text encoder, VAE and projector have random weights: they exercise the whole pipeline but produce noise-like pictures. Load real models with --models DIR.";

    /// <summary>The notice of a pack made with <see cref="DemoFaceModels.Random"/>.</summary>
    public const string RandomFacesNotice = "Demo models have random weights, its face detector and embedder too: they exercise the whole pipeline but produce noise-like pictures and random face boxes. Load real models with --models DIR.";

    /// <summary>
    /// Writes a complete pack to <paramref name="directory"/> (created if needed; existing pack files are
    /// overwritten) and returns it loaded.
    /// </summary>
    /// <param name="directory">The pack folder.</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <param name="faces">The shipped real face models (default) or random SCRFD/ArcFace graphs.</param>
    public static ModelPack Create(string directory, ulong seed = DefaultSeed, DemoFaceModels faces = DemoFaceModels.Shipped)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Enum.IsDefined(faces))
        {
            throw new ArgumentOutOfRangeException(nameof(faces), faces, $"Expected {nameof(DemoFaceModels)}.{nameof(DemoFaceModels.Shipped)} or {nameof(DemoFaceModels.Random)}.");
        }

        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var external = new ExternalDataOptions(SizeThreshold: 64 * 1024);
        string P(string relative) => Path.Combine(root, relative);

        var text = new TextEncoderSpec { HiddenSize = HiddenSize, InputIdsType = OnnxElementType.Int32 };
        TextEncoderModel.Build(text, TextEncoderWeights.Random(text, seed)).Save(P("text_encoder/model.onnx"), external);

        var unet = new UNetSpec { ContextDim = HiddenSize, ContextTokens = null, IdentityTokens = IdentityTokens };
        AttentionUNetModel.Build(unet, AttentionUNetWeights.Random(unet, seed + 1)).Save(P("unet/model.onnx"));

        var vae = new VaeSpec();
        VaeWeights vaeWeights = VaeWeights.Random(vae, seed + 2);
        VaeModels.BuildDecoder(vae, vaeWeights).Save(P("vae_decoder/model.onnx"));
        VaeModels.BuildEncoder(vae, vaeWeights).Save(P("vae_encoder/model.onnx"));

        var faceComponents = new Dictionary<string, string>(StringComparer.Ordinal);
        int faceEmbeddingSize;
        if (faces == DemoFaceModels.Shipped)
        {
            CopyShipped(FaceModels.BlazeFace, P("identity/blazeface.onnx"));
            CopyShipped(FaceModels.FaceMesh, P("identity/facemesh.onnx"));
            CopyShipped(FaceModels.MobileFace, P("identity/mobileface.onnx"));
            faceComponents["faceDetector"] = "identity/blazeface.onnx";
            faceComponents["faceLandmarker"] = "identity/facemesh.onnx";
            faceComponents["faceEmbedder"] = "identity/mobileface.onnx";
            faceEmbeddingSize = FaceEmbeddingSize;
        }
        else
        {
            var detector = new FaceDetectorSpec();
            FaceDetectorModel.Build(detector, FaceDetectorWeights.Random(detector, seed + 3)).Save(P("identity/face_detector.onnx"));
            ImageEmbedderModel.Build(ImageEmbedderSpec.ArcFace, ImageEmbedderWeights.Random(ImageEmbedderSpec.ArcFace, seed + 4)).Save(P("identity/face_embedder.onnx"), external);
            faceComponents["faceDetector"] = "identity/face_detector.onnx";
            faceComponents["faceEmbedder"] = "identity/face_embedder.onnx";
            faceEmbeddingSize = RandomFaceEmbeddingSize;
        }

        ImageEmbedderSpec vision = ImageEmbedderSpec.ClipVision with { EmbeddingSize = ImageEmbeddingSize };
        ImageEmbedderModel.Build(vision, ImageEmbedderWeights.Random(vision, seed + 5)).Save(P("image_encoder/model.onnx"));
        var projector = new ProjectorSpec { FaceEmbeddingSize = faceEmbeddingSize, ImageEmbeddingSize = ImageEmbeddingSize, Tokens = IdentityTokens, TokenDim = HiddenSize };
        ProjectorModel.Build(projector, ProjectorWeights.Random(projector, seed + 6)).Save(P("projector/model.onnx"), external);

        WriteTokenizer(P("tokenizer"), text.MaxTokens);
        WriteText(P("scheduler/scheduler_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["_class_name"] = "EulerAncestralDiscreteScheduler",
            ["num_train_timesteps"] = 1000,
            ["beta_start"] = 0.00085,
            ["beta_end"] = 0.012,
            ["beta_schedule"] = "scaled_linear",
            ["prediction_type"] = "epsilon",
            ["steps_offset"] = 1,
            ["timestep_spacing"] = "leading",
        }, JsonOptions));

        var manifest = new ModelPackManifest
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"FaceStudio demo pack v{Version} (seed {seed}, {(faces == DemoFaceModels.Shipped ? "real face models from " + FaceModels.UpstreamVersion : "random face models")})"),
            Demo = true,
            Components = new Dictionary<string, string>(faceComponents, StringComparer.Ordinal)
            {
                ["textEncoder"] = "text_encoder/model.onnx",
                ["unet"] = "unet/model.onnx",
                ["vaeDecoder"] = "vae_decoder/model.onnx",
                ["vaeEncoder"] = "vae_encoder/model.onnx",
                ["imageEncoder"] = "image_encoder/model.onnx",
                ["projector"] = "projector/model.onnx",
            },
            Tokenizer = new ManifestTokenizer { Vocab = "tokenizer/vocab.json", Merges = "tokenizer/merges.txt", Config = "tokenizer/tokenizer_config.json" },
            Options = new ManifestOptions { VaeScalingFactor = 0.18215f, Guidance = "facestudio", IdentityTokens = IdentityTokens },
        };
        WriteText(P("README.txt"), (faces == DemoFaceModels.Shipped ? Notice : RandomFacesNotice) + Environment.NewLine);

        WriteText(P(ModelPackManifest.FileName), JsonSerializer.Serialize(manifest, JsonOptions));

        // The SHA-256 list is written last: a pack with one is complete, and a cached pack is checked against it.
        DemoPackCache.WriteHashes(root);
        return ModelPack.Load(root);
    }

    /// <summary>
    /// Returns the demo pack in <paramref name="cacheDirectory"/> (default: <see cref="DefaultCacheRoot"/>), in
    /// <c>demo-pack-v{Version}-{seed}</c>, generating it on first use. The cache folder must be private (created 0700
    /// on Unix; one owned by another user or writable by group or others is refused with a
    /// <see cref="ModelPackException"/>), and the cached pack is checked against the SHA-256 list written with it: a
    /// pack that differs is regenerated and swapped in whole. Safe when several processes race: each builds into its
    /// own temporary folder and the first to finish wins.
    /// </summary>
    public static ModelPack EnsureCached(string? cacheDirectory = null, ulong seed = DefaultSeed)
    {
        string parent = Path.GetFullPath(cacheDirectory ?? DefaultCacheRoot());
        DemoPackCache.EnsurePrivateFolder(parent);
        string target = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $"demo-pack-v{Version}-{seed}"));
        if (Directory.Exists(target) && DemoPackCache.Mismatch(target) is null)
        {
            return ModelPack.Load(target);
        }

        string staging = target + ".tmp-" + Guid.NewGuid().ToString("N");
        string stale = target + ".old-" + Guid.NewGuid().ToString("N");
        try
        {
            Create(staging, seed);
            if (Directory.Exists(target))
            {
                // A pack that differs from its hashes is moved aside, not patched, so no reader sees a mix.
                try
                {
                    Directory.Move(target, stale);
                }
                catch (IOException) when (!Directory.Exists(target))
                {
                    // Another process moved it first.
                }
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target) && DemoPackCache.Mismatch(target) is null)
            {
                // Another process finished first; use its copy.
            }
        }
        finally
        {
            foreach (string leftover in new[] { staging, stale })
            {
                if (Directory.Exists(leftover))
                {
                    Directory.Delete(leftover, recursive: true);
                }
            }
        }

        return ModelPack.Load(target);
    }

    /// <summary>The default cache folder: <c>FaceStudio</c> in the user's local application data folder (never a shared temporary folder).</summary>
    public static string DefaultCacheRoot() => DemoPackCache.DefaultRoot();

    /// <summary>
    /// The GPT-2/CLIP byte-to-symbol map: printable bytes stand for themselves, the rest map to U+0100 onwards.
    /// </summary>
    public static IReadOnlyList<char> ByteSymbols()
    {
        var symbols = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            symbols[b] = printable ? (char)b : (char)(256 + next++);
        }

        return symbols;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // A CLIP-shaped byte-level vocabulary: 256 byte symbols (ids 0-255), the same with "</w>" (256-511),
    // no merges, and CLIP's special tokens at their real ids 49406/49407.
    private static void WriteTokenizer(string folder, int maxLength)
    {
        IReadOnlyList<char> symbols = ByteSymbols();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            vocab[symbols[b].ToString()] = b;
        }

        for (int b = 0; b < 256; b++)
        {
            vocab[symbols[b] + "</w>"] = 256 + b;
        }

        vocab["<|startoftext|>"] = 49406;
        vocab["<|endoftext|>"] = 49407;
        WriteText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocab));
        WriteText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n");
        WriteText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model_max_length"] = maxLength,
            ["bos_token"] = "<|startoftext|>",
            ["eos_token"] = "<|endoftext|>",
            ["pad_token"] = "<|endoftext|>",
            ["unk_token"] = "<|endoftext|>",
            ["do_lower_case"] = true,
        }, JsonOptions));
    }

    private static void CopyShipped(string fileName, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using Stream model = FaceModels.Open(fileName);
        using FileStream file = File.Create(path);
        model.CopyTo(file);
    }

    private static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
