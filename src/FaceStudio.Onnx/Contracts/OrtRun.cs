using Microsoft.ML.OnnxRuntime;

namespace FaceStudio.Onnx.Contracts;

/// <summary>Cancellation for ONNX Runtime runs: a token sets <see cref="RunOptions.Terminate"/>.</summary>
internal static class OrtRun
{
    private static readonly Action<object?> TerminateCallback = static state => ((RunOptions)state!).Terminate = true;

    /// <summary>
    /// Makes every run with <paramref name="options"/> free the CPU arena's unused chunks when it ends (ONNX Runtime's
    /// <c>memory.enable_memory_arena_shrinkage</c>; see <see cref="Sessions.OnnxSessionOptions.ShrinkCpuArenaAfterRun"/>).
    /// </summary>
    public static void ShrinkCpuArenaAfterRun(RunOptions options) => options.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");

    /// <summary>Sets <paramref name="options"/>.Terminate when <paramref name="token"/> fires; dispose after the run.</summary>
    public static CancellationTokenRegistration Register(RunOptions options, CancellationToken token) =>
        token.CanBeCanceled ? token.UnsafeRegister(TerminateCallback, options) : default;

    /// <summary>
    /// Runs <paramref name="session"/> so that <paramref name="token"/> terminates it; ONNX Runtime failures become
    /// <see cref="OperationCanceledException"/> (cancelled) or a <see cref="Core.Errors.FaceStudioException"/> naming <paramref name="component"/>.
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, RunOptions options, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken token, string component)
    {
        using CancellationTokenRegistration registration = Register(options, token);
        try
        {
            return session.Run(options, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, options, token, component);
        }
    }

    /// <summary>
    /// Runs a <see cref="SharedSession"/> under a lease: <paramref name="token"/> or the owner's disposal terminate
    /// it; a run stopped by disposal ends with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(SharedSession shared, RunOptions options, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken token, string component)
    {
        using SharedSession.Lease lease = shared.Acquire();
        using CancellationTokenRegistration closing = Register(options, shared.Closing);
        using CancellationTokenRegistration registration = Register(options, token);
        try
        {
            return shared.Session.Run(options, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex) when (shared.Closing.IsCancellationRequested && !token.IsCancellationRequested)
        {
            throw Disposed(component, ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw Translate(ex, options, token, component);
        }
    }

    /// <summary>The error of a run stopped because its owner was disposed.</summary>
    public static ObjectDisposedException Disposed(string component, Exception inner) =>
        new($"{component} was disposed while a run was in flight.", inner);

    /// <summary>Turns a terminated run into <see cref="OperationCanceledException"/> and re-arms the options.</summary>
    public static Exception Translate(OnnxRuntimeException ex, RunOptions options, CancellationToken token, string component)
    {
        if (token.IsCancellationRequested)
        {
            options.Terminate = false;
            return new OperationCanceledException($"{component} run was cancelled.", ex, token);
        }

        return new Core.Errors.FaceStudioException($"{component} run failed in ONNX Runtime: {ex.Message}", ex);
    }
}
