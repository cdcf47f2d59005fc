using System.Globalization;
using FaceStudio.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Sessions;

/// <summary>
/// The one place that turns <see cref="OnnxSessionOptions"/> into ONNX Runtime <see cref="SessionOptions"/>
/// and sessions. Checks that the installed native runtime has the requested provider first, so a missing
/// package is reported by name instead of as a native load error.
/// </summary>
public sealed class SessionFactory : ISessionFactory
{
    private readonly ILogger<SessionFactory> _logger;
    private readonly Func<IReadOnlyCollection<string>> _availableProviders;

    /// <summary>Creates the factory.</summary>
    public SessionFactory(ILogger<SessionFactory>? logger = null)
        : this(logger, static () => OrtEnv.Instance().GetAvailableProviders())
    {
    }

    /// <summary>Creates the factory with an explicit provider list (for tests and hosts that probe differently).</summary>
    internal SessionFactory(ILogger<SessionFactory>? logger, Func<IReadOnlyCollection<string>> availableProviders)
    {
        _logger = logger ?? NullLogger<SessionFactory>.Instance;
        _availableProviders = availableProviders;
    }

    /// <summary>ONNX Runtime's name of each provider.</summary>
    public static string RuntimeName(ExecutionProviderKind provider) => provider switch
    {
        ExecutionProviderKind.Cpu => "CPUExecutionProvider",
        ExecutionProviderKind.Cuda => "CUDAExecutionProvider",
        ExecutionProviderKind.TensorRt => "TensorrtExecutionProvider",
        ExecutionProviderKind.DirectMl => "DmlExecutionProvider",
        ExecutionProviderKind.CoreMl => "CoreMLExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The NuGet package an application references to get <paramref name="provider"/>.</summary>
    public static string PackageFor(ExecutionProviderKind provider) => provider switch
    {
        ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt => "Microsoft.ML.OnnxRuntime.Gpu",
        ExecutionProviderKind.DirectMl => "Microsoft.ML.OnnxRuntime.DirectML",
        _ => "Microsoft.ML.OnnxRuntime",
    };

    /// <inheritdoc />
    public InferenceSession Create(string modelPath, OnnxSessionOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        using SessionOptions sessionOptions = CreateSessionOptions(options);
        _logger.LogDebug("Loading {Model} on {Provider}", modelPath, options.Provider);
        try
        {
            return new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelContractException($"ONNX Runtime could not load '{modelPath}' on {options.Provider}: {ex.Message}", ex);
        }
    }

    /// <summary>Builds ONNX Runtime session options; the caller disposes them.</summary>
    public SessionOptions CreateSessionOptions(OnnxSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        EnsureAvailable(options.Provider);
        var so = new SessionOptions();
        try
        {
            so.GraphOptimizationLevel = options.Optimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            so.IntraOpNumThreads = options.IntraOpThreads;
            so.EnableCpuMemArena = options.EnableCpuMemoryArena;
            so.EnableMemoryPattern = options.EnableMemoryPattern;
            so.InterOpNumThreads = options.InterOpThreads;
            switch (options.Provider)
            {
                case ExecutionProviderKind.Cuda:
                    AppendCuda(so, options);
                    break;
                case ExecutionProviderKind.TensorRt:
                    AppendTensorRt(so, options);
                    AppendCuda(so, options);
                    break;
                case ExecutionProviderKind.DirectMl:
                    // DirectML needs sequential execution without memory patterns.
                    so.EnableMemoryPattern = false;
                    so.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                    so.AppendExecutionProvider_DML(options.DeviceId);
                    break;
                case ExecutionProviderKind.CoreMl:
                    so.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE);
                    break;
                default:
                    break;
            }

            return so;
        }
        catch (OnnxRuntimeException ex)
        {
            so.Dispose();
            throw new OnnxRuntimeConfigurationException($"ONNX Runtime rejected the {options.Provider} settings: {ex.Message}", ex);
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="OnnxRuntimeConfigurationException"/> naming the package when the runtime lacks <paramref name="provider"/>.</summary>
    public void EnsureAvailable(ExecutionProviderKind provider)
    {
        IReadOnlyCollection<string> available = _availableProviders();
        string name = RuntimeName(provider);
        if (!available.Contains(name, StringComparer.Ordinal))
        {
            throw new OnnxRuntimeConfigurationException(
                $"Execution provider {provider} ({name}) is not in the installed ONNX Runtime, which has: {string.Join(", ", available)}. " +
                $"Reference the package {PackageFor(provider)} (version {typeof(InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "1.32.0"}) in your application instead of the CPU-only Microsoft.ML.OnnxRuntime" +
                (provider is ExecutionProviderKind.Cuda or ExecutionProviderKind.TensorRt ? ", and install CUDA 13 and cuDNN 9." : "."));
        }
    }

    private static void AppendCuda(SessionOptions so, OnnxSessionOptions options)
    {
        using var cuda = new OrtCUDAProviderOptions();
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = options.DeviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = options.Cuda.ConvolutionSearch switch
            {
                CudnnConvolutionSearch.Heuristic => "HEURISTIC",
                CudnnConvolutionSearch.Default => "DEFAULT",
                _ => "EXHAUSTIVE",
            },
            ["do_copy_in_default_stream"] = "1",
            ["enable_cuda_graph"] = options.Cuda.EnableCudaGraph ? "1" : "0",
        };
        if (options.Cuda.MemoryLimitBytes is { } limit)
        {
            settings["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        cuda.UpdateOptions(settings);
        so.AppendExecutionProvider_CUDA(cuda);
    }

    private static void AppendTensorRt(SessionOptions so, OnnxSessionOptions options)
    {
        using var trt = new OrtTensorRTProviderOptions();
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = options.DeviceId.ToString(CultureInfo.InvariantCulture),
            ["trt_fp16_enable"] = options.TensorRt.Fp16 ? "1" : "0",
        };
        if (options.TensorRt.EngineCachePath is { } cache)
        {
            settings["trt_engine_cache_enable"] = "1";
            settings["trt_engine_cache_path"] = cache;
        }

        trt.UpdateOptions(settings);
        so.AppendExecutionProvider_Tensorrt(trt);
    }
}
