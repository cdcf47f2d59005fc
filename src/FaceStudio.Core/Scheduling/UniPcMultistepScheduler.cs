namespace FaceStudio.Core.Scheduling;

/// <summary>
/// UniPC (Zhao et al., 2023) with the bh2 B(h) and data prediction, orders 1–2, predictor plus corrector on every
/// step after the first; matches diffusers' <c>UniPCMultistepScheduler</c> (default <c>disable_corrector=[]</c>).
/// </summary>
public sealed class UniPcMultistepScheduler : SchedulerBase
{
    private float[]? _converted;
    private float[]? _current;
    private float[]? _previous;
    private float[]? _lastSample;
    private bool _hasLastSample;
    private int _lowerOrderCount;
    private int _thisOrder;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="config">Settings.</param>
    public UniPcMultistepScheduler(SchedulerConfig config)
        : base(SchedulerCatalog.UniPc, config, null)
    {
    }

    /// <inheritdoc />
    protected override (float[] Timesteps, float[] Sigmas, float InitNoiseSigma) Build(int steps, float strength)
    {
        var (timesteps, sigmas) = SigmaLayouts.Multistep(Config, Schedule, steps);
        return (timesteps, sigmas, 1f);
    }

    /// <inheritdoc />
    protected override void ResetState()
    {
        _lowerOrderCount = 0;
        _hasLastSample = false;
        _thisOrder = 0;
    }

    /// <inheritdoc />
    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int index, Span<float> destination)
    {
        var (alpha, sigma) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index]);
        SchedulerMath.Combine((float)alpha, original, (float)sigma, noise, destination);
    }

    /// <inheritdoc />
    protected override void StepCore(ReadOnlySpan<float> modelOutput, int index, Span<float> sample)
    {
        int n = sample.Length;
        float[] converted = EnsureBuffer(ref _converted, n);
        EnsureBuffer(ref _current, n);
        EnsureBuffer(ref _previous, n);
        var (alphaS0, sigmaS0) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index]);
        switch (Config.PredictionType)
        {
            case PredictionType.Epsilon:
                SchedulerMath.Combine((float)(1 / alphaS0), sample, (float)(-sigmaS0 / alphaS0), modelOutput, converted);
                break;
            case PredictionType.Sample:
                modelOutput.CopyTo(converted);
                break;
            default:
                SchedulerMath.Combine((float)alphaS0, sample, (float)(-sigmaS0), modelOutput, converted);
                break;
        }

        if (index > 0 && _hasLastSample)
        {
            Correct(converted, index, sample);
        }

        // History: previous ← current ← converted (buffers rotate, nothing is copied).
        (_previous, _current, _converted) = (_current, converted, _previous);

        int count = FullTimesteps.Length;
        int order = Config.LowerOrderFinal ? Math.Min(Config.SolverOrder, count - index) : Config.SolverOrder;
        _thisOrder = Math.Min(order, _lowerOrderCount + 1);

        float[] last = EnsureBuffer(ref _lastSample, n);
        sample.CopyTo(last);
        _hasLastSample = true;
        Predict(index, sample);

        if (_lowerOrderCount < Config.SolverOrder)
        {
            _lowerOrderCount++;
        }
    }

    private static double Lambda(float sigma)
    {
        var (alpha, s) = DpmSolverMultistepScheduler.AlphaSigma(sigma);
        return Math.Log(alpha) - Math.Log(s);
    }

    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + (0.5 * x * x) + (x * x * x / 6) : Math.Exp(x) - 1.0;

    /// <summary>UniP-bh2: predicts the sample at σ_{i+1} from the history ending at σᵢ.</summary>
    private void Predict(int index, Span<float> sample)
    {
        var (alphaT, sigmaT) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index + 1]);
        var (_, sigmaS0) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index]);
        double lambdaS0 = Lambda(FullSigmas[index]);
        double h = Lambda(FullSigmas[index + 1]) - lambdaS0;
        double hPhi1 = ExpM1(-h);
        double bH = hPhi1;
        float[] m0 = _current!;

        // x_t = σ_t/σ_s0 · x − α_t·φ₁·m0 − α_t·B(h)·ρ·D1, ρ = 0.5 for order 2 (D1 = (m1 − m0)/r).
        double sampleCoefficient = sigmaT / sigmaS0;
        double m0Coefficient = -alphaT * hPhi1;
        double m1Coefficient = 0;
        if (_thisOrder == 2)
        {
            double rk = (Lambda(FullSigmas[index - 1]) - lambdaS0) / h;
            double scale = -alphaT * bH * 0.5 / rk;
            m0Coefficient -= scale;
            m1Coefficient = scale;
        }

        SchedulerMath.Combine((float)sampleCoefficient, sample, (float)m0Coefficient, m0, sample);
        if (m1Coefficient != 0)
        {
            SchedulerMath.AddScaled(sample, (float)m1Coefficient, _previous!);
        }
    }

    /// <summary>UniC-bh2: corrects the sample at σᵢ with the fresh model output.</summary>
    private void Correct(float[] modelT, int index, Span<float> sample)
    {
        int order = _thisOrder;
        var (alphaT, sigmaT) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index]);
        var (_, sigmaS0) = DpmSolverMultistepScheduler.AlphaSigma(FullSigmas[index - 1]);
        double lambdaS0 = Lambda(FullSigmas[index - 1]);
        double h = Lambda(FullSigmas[index]) - lambdaS0;
        double hh = -h;
        double hPhi1 = ExpM1(hh);
        double bH = hPhi1;
        float[] m0 = _current!;

        double rhoLast;
        double rho0 = 0;
        double rk = 1;
        if (order == 1)
        {
            rhoLast = 0.5;
        }
        else
        {
            rk = (Lambda(FullSigmas[index - 2]) - lambdaS0) / h;
            double hPhiK = (hPhi1 / hh) - 1;
            double b1 = hPhiK / bH;
            hPhiK = (hPhiK / hh) - 0.5;
            double b2 = hPhiK * 2 / bH;

            // Solve [[1, 1], [rk, 1]]·ρ = [b1, b2].
            rho0 = (b1 - b2) / (1 - rk);
            rhoLast = b1 - rho0;
        }

        // x = σ_t/σ_s0 · last − α_t·φ₁·m0 − α_t·B(h)·(ρ₀·(m1 − m0)/rk + ρ_last·(model_t − m0)).
        double scale = -alphaT * bH;
        double m0Coefficient = (-alphaT * hPhi1) - (scale * rhoLast);
        double m1Coefficient = 0;
        if (order == 2)
        {
            m0Coefficient -= scale * rho0 / rk;
            m1Coefficient = scale * rho0 / rk;
        }

        SchedulerMath.Combine((float)(sigmaT / sigmaS0), _lastSample!, (float)m0Coefficient, m0, sample);
        SchedulerMath.AddScaled(sample, (float)(scale * rhoLast), modelT);
        if (order == 2)
        {
            SchedulerMath.AddScaled(sample, (float)m1Coefficient, _previous!);
        }
    }
}
