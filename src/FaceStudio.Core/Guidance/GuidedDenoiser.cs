using System.Globalization;
using FaceStudio.Core.Denoising;
using FaceStudio.Core.Errors;

namespace FaceStudio.Core.Guidance;

/// <summary>
/// Runs a <see cref="GuidancePlan"/> each step: the latent is copied into every batch row, the denoiser runs once
/// per planned run, and rows combine into one guided prediction (composed blend, then classifier-free guidance).
/// Buffers are allocated once; <see cref="Predict"/> allocates nothing. Not thread-safe.
/// </summary>
public sealed class GuidedDenoiser : IDisposable
{
    private readonly GuidancePlan _plan;
    private readonly IDenoiserSession[] _sessions;
    private readonly float[][] _inputs;
    private readonly float[][] _outputs;
    private readonly float[]? _blended;
    private readonly int _length;
    private readonly int _unconditional;
    private readonly int _text;
    private readonly int _conditional;
    private readonly int _firstIdentity;

    private GuidedDenoiser(GuidancePlan plan, IDenoiserSession[] sessions, int length)
    {
        _plan = plan;
        _sessions = sessions;
        _length = length;
        _inputs = new float[sessions.Length][];
        _outputs = new float[sessions.Length][];
        for (int i = 0; i < sessions.Length; i++)
        {
            _inputs[i] = new float[plan.RowsPerRun * length];
            _outputs[i] = new float[plan.RowsPerRun * length];
        }

        _unconditional = plan.RowOf(GuidanceRowRole.Unconditional);
        _text = plan.RowOf(GuidanceRowRole.TextOnly);
        _conditional = plan.RowOf(GuidanceRowRole.Conditional);
        _firstIdentity = plan.RowOf(GuidanceRowRole.Identity);
        if (plan.Blend is not null)
        {
            _blended = new float[length];
        }
    }

    /// <summary>Latent elements per image, C·h·w.</summary>
    public int LatentLength => _length;

    /// <summary>Binds each run's conditioning to a denoiser session.</summary>
    /// <param name="denoiser">The denoiser.</param>
    /// <param name="plan">From <see cref="RegionStrategy.Plan"/> or <see cref="GuidanceComposer.PlanAsync"/>.</param>
    /// <param name="latentChannels">Latent channels C.</param>
    public static GuidedDenoiser Create(IDenoiser denoiser, GuidancePlan plan, int latentChannels)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(plan);
        if (latentChannels != denoiser.Capabilities.LatentChannels)
        {
            throw new ModelContractException(string.Create(CultureInfo.InvariantCulture, $"The denoiser takes {denoiser.Capabilities.LatentChannels} latent channels but {latentChannels} were asked for."));
        }

        var shape = new LatentShape(plan.RowsPerRun, latentChannels, plan.LatentHeight, plan.LatentWidth);
        var sessions = new IDenoiserSession[plan.Runs.Count];
        try
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                sessions[i] = denoiser.CreateSession(plan.Runs[i], shape);
            }
        }
        catch
        {
            foreach (IDenoiserSession? s in sessions)
            {
                s?.Dispose();
            }

            throw;
        }

        return new GuidedDenoiser(plan, sessions, latentChannels * plan.LatentHeight * plan.LatentWidth);
    }

    /// <summary>One guided prediction for one latent [1, C, h, w].</summary>
    public void Predict(ReadOnlySpan<float> sample, float timestep, Span<float> prediction, CancellationToken cancellationToken)
    {
        if (sample.Length != _length || prediction.Length != _length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Sample and prediction must hold C·h·w = {_length} values but hold {sample.Length} and {prediction.Length}."), nameof(sample));
        }

        for (int run = 0; run < _sessions.Length; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[] input = _inputs[run];
            for (int b = 0; b < _plan.RowsPerRun; b++)
            {
                sample.CopyTo(input.AsSpan(b * _length, _length));
            }

            _sessions[run].Predict(input, timestep, _outputs[run], cancellationToken);
        }

        ReadOnlySpan<float> conditional;
        if (_plan.Blend is CompositeNoiseBlend blend)
        {
            blend.Begin(Row(_text), _blended);
            for (int k = 0; k < blend.IdentityCount; k++)
            {
                blend.Accumulate(k, Row(_firstIdentity + k), _blended);
            }

            conditional = _blended;
        }
        else
        {
            conditional = Row(_conditional >= 0 ? _conditional : _text);
        }

        GuidanceOptions options = _plan.Options;
        if (options.IdentityGuidanceScale is float identityScale && _text >= 0)
        {
            ClassifierFreeGuidance.Combine(Row(_unconditional), Row(_text), conditional, options.GuidanceScale, identityScale, prediction);
        }
        else
        {
            ClassifierFreeGuidance.Combine(Row(_unconditional), conditional, options.GuidanceScale, prediction);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IDenoiserSession s in _sessions)
        {
            s.Dispose();
        }
    }

    private ReadOnlySpan<float> Row(int row) => _outputs[row / _plan.RowsPerRun].AsSpan(row % _plan.RowsPerRun * _length, _length);
}
