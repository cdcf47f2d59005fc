using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using FaceStudio.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

/// <summary>
/// The floor the SDK loop is compared with: the same model and session options, ONNX Runtime's IOBinding run in a
/// bare loop with no SDK code at all (modes "raw" and "rawgraph"). On CUDA every input and the output live in device
/// buffers allocated and filled once with the CUDA runtime; on CPU in host buffers. The SDK's whole overhead per step
/// (binding, copies, conversions, CFG, scheduler, checks) is then the loop's ms/step minus this.
/// </summary>
internal static class RawOrt
{
    public static ModeResult Run(string mode, string model, LoopArguments o)
    {
        bool cuda = o.Provider == ExecutionProviderKind.Cuda;
        bool graph = mode == "rawgraph";
        var options = new OnnxSessionOptions
        {
            Provider = o.Provider,
            IntraOpThreads = o.Threads,
            Cuda = new CudaProviderOptions { EnableCudaGraph = graph, ConvolutionSearch = o.ConvolutionSearch },
        };
        var clock = Stopwatch.StartNew();
        using InferenceSession session = new SessionFactory().Create(model, options);
        double createMs = clock.Elapsed.TotalMilliseconds;

        int latent = o.Size / 8;
        using var memory = new Buffers(cuda);
        using var binding = session.CreateIoBinding();
        foreach ((string name, NodeMetadata meta) in session.InputMetadata)
        {
            long[] shape = ShapeOf(name, meta, latent);
            binding.BindInput(name, memory.Input(meta.ElementDataType, shape, name == "timestep" ? 500f : 0.05f));
        }

        (string outName, NodeMetadata outMeta) = session.OutputMetadata.First();
        long[] outShape = ShapeOf("sample", session.InputMetadata["sample"], latent);
        OrtValue output = memory.Output(outMeta.ElementDataType, outShape);
        binding.BindOutput(outName, output);
        using var run = new RunOptions();

        clock.Restart();
        for (int i = 0; i < 10; i++)
        {
            session.RunWithBinding(run, binding);
        }

        double warmupMs = clock.Elapsed.TotalMilliseconds;
        int count = o.Runs * o.Steps;
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            session.RunWithBinding(run, binding); // synchronous: returns when the outputs are ready
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        bool finite = memory.OutputFinite(outMeta.ElementDataType);
        Array.Sort(times);
        double median = times[(count - 1) / 2];
        return new ModeResult(mode, cuda ? "bare ORT, device buffers" : "bare ORT, host buffers", createMs, warmupMs, times.Average(), median, times[(int)Math.Round(0.9 * (count - 1))], median, times.Average(), 0, times.Sum(), count, finite, double.NaN, []);
    }

    private static long[] ShapeOf(string name, NodeMetadata meta, int latent)
    {
        int[] d = meta.Dimensions;
        long Dim(int i, long fallback) => d.Length > i && d[i] > 0 ? d[i] : fallback;
        return name switch
        {
            "sample" => [Dim(0, 2), Dim(1, 4), latent, latent],
            "timestep" => d.Length == 0 ? [] : [Dim(0, 2)],
            "encoder_hidden_states" => [Dim(0, 2), Dim(1, 77), Dim(2, 768)],
            "identity_tokens" => [Dim(0, 2), Dim(1, 1), Dim(2, 4), Dim(3, 768)],
            "identity_masks" => [Dim(0, 2), Dim(1, 1), latent, latent],
            "identity_scales" => [Dim(0, 2), Dim(1, 1)],
            _ => throw new ArgumentException($"raw mode: unexpected input '{name}'"),
        };
    }

    /// <summary>Tensors for the raw loop: CUDA-runtime device memory (filled once) or pinned host arrays.</summary>
    private sealed class Buffers(bool cuda) : IDisposable
    {
        private readonly List<IntPtr> _device = [];
        private readonly List<GCHandle> _pinned = [];
        private readonly List<OrtValue> _values = [];
        private readonly OrtMemoryInfo? _cudaInfo = cuda ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default) : null;
        private byte[] _outputHost = [];
        private IntPtr _outputPtr;

        public OrtValue Input(TensorElementType type, long[] shape, float value)
        {
            byte[] host = Fill(type, shape.Aggregate(1L, (a, b) => a * b), value);
            return Wrap(type, shape, host, copy: true);
        }

        public OrtValue Output(TensorElementType type, long[] shape)
        {
            _outputHost = new byte[shape.Aggregate(1L, (a, b) => a * b) * SizeOf(type)];
            OrtValue v = Wrap(type, shape, _outputHost, copy: false);
            return v;
        }

        public bool OutputFinite(TensorElementType type)
        {
            if (cuda)
            {
                GCHandle h = GCHandle.Alloc(_outputHost, GCHandleType.Pinned);
                try
                {
                    Cuda.Check(Cuda.Memcpy(h.AddrOfPinnedObject(), _outputPtr, (nuint)_outputHost.Length, 2), "cudaMemcpy D2H");
                }
                finally
                {
                    h.Free();
                }
            }

            return type == TensorElementType.Float16
                ? MemoryMarshal.Cast<byte, Half>(_outputHost).ToArray().All(Half.IsFinite)
                : MemoryMarshal.Cast<byte, float>(_outputHost).ToArray().All(float.IsFinite);
        }

        public void Dispose()
        {
            foreach (OrtValue v in _values)
            {
                v.Dispose();
            }

            foreach (IntPtr p in _device)
            {
                _ = Cuda.Free(p);
            }

            foreach (GCHandle h in _pinned)
            {
                h.Free();
            }

            _cudaInfo?.Dispose();
        }

        private OrtValue Wrap(TensorElementType type, long[] shape, byte[] host, bool copy)
        {
            GCHandle handle = GCHandle.Alloc(host, GCHandleType.Pinned);
            _pinned.Add(handle);
            OrtValue value;
            if (cuda)
            {
                Cuda.Check(Cuda.Malloc(out IntPtr ptr, (nuint)Math.Max(host.Length, 1)), "cudaMalloc");
                _device.Add(ptr);
                if (copy)
                {
                    Cuda.Check(Cuda.Memcpy(ptr, handle.AddrOfPinnedObject(), (nuint)host.Length, 1), "cudaMemcpy H2D");
                }
                else
                {
                    _outputPtr = ptr;
                }

                value = OrtValue.CreateTensorValueWithData(_cudaInfo!, type, shape, ptr, host.Length);
            }
            else
            {
                value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, handle.AddrOfPinnedObject(), host.Length);
            }

            _values.Add(value);
            return value;
        }

        private static int SizeOf(TensorElementType type) => type switch
        {
            TensorElementType.Float16 => 2,
            TensorElementType.Float or TensorElementType.Int32 => 4,
            TensorElementType.Int64 => 8,
            _ => throw new NotSupportedException($"raw mode: element type {type}"),
        };

        private static byte[] Fill(TensorElementType type, long count, float value)
        {
            var bytes = new byte[count * SizeOf(type)];
            switch (type)
            {
                case TensorElementType.Float16:
                    MemoryMarshal.Cast<byte, Half>(bytes.AsSpan()).Fill((Half)value);
                    break;
                case TensorElementType.Float:
                    MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(value);
                    break;
                case TensorElementType.Int32:
                    MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Fill((int)value);
                    break;
                default:
                    MemoryMarshal.Cast<byte, long>(bytes.AsSpan()).Fill((long)value);
                    break;
            }

            return bytes;
        }
    }

    /// <summary>The three CUDA runtime calls the raw loop needs (libcudart from the host's CUDA 13 install).</summary>
    private static class Cuda
    {
        private const string Library = "cudart";

        static Cuda() => NativeLibrary.SetDllImportResolver(typeof(Cuda).Assembly, Resolve);

        public static void Check(int status, string what)
        {
            if (status != 0)
            {
                throw new InvalidOperationException($"{what} failed with CUDA error {status}.");
            }
        }

        [DllImport(Library, EntryPoint = "cudaMalloc")]
        public static extern int Malloc(out IntPtr pointer, nuint bytes);

        [DllImport(Library, EntryPoint = "cudaMemcpy")]
        public static extern int Memcpy(IntPtr destination, IntPtr source, nuint bytes, int kind);

        [DllImport(Library, EntryPoint = "cudaFree")]
        public static extern int Free(IntPtr pointer);

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (name != Library)
            {
                return IntPtr.Zero;
            }

            foreach (string candidate in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so" })
            {
                if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
                {
                    return handle;
                }
            }

            throw new DllNotFoundException("raw mode on CUDA needs libcudart.so (source tools/gpu/ort-env.sh first).");
        }
    }
}
