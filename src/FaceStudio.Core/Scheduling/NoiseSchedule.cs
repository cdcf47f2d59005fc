namespace FaceStudio.Core.Scheduling;

/// <summary>
/// The training noise schedule shared by all schedulers: betas, ᾱ (alphas_cumprod) and the training sigmas,
/// computed with the same float32 rounding steps as diffusers/PyTorch so schedule values match to ~1e-7.
/// </summary>
public sealed class NoiseSchedule
{
    private readonly float[] _betas;
    private readonly float[] _alphasCumprod;
    private readonly float[] _sigmas;
    private readonly float[] _logSigmas;

    /// <summary>Builds the schedule for a configuration.</summary>
    /// <param name="config">The scheduler settings (validated here).</param>
    public NoiseSchedule(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        int n = config.NumTrainTimesteps;
        _betas = config.BetaSchedule switch
        {
            BetaSchedule.Linear => TorchLinspace((float)config.BetaStart, (float)config.BetaEnd, n),
            BetaSchedule.ScaledLinear => Squared(TorchLinspace((float)Math.Sqrt(config.BetaStart), (float)Math.Sqrt(config.BetaEnd), n)),
            _ => SquaredCosCapV2(n),
        };

        // PyTorch's CPU cumprod accumulates float32 inputs in double and rounds each partial product to float.
        _alphasCumprod = new float[n];
        double product = 1.0;
        for (int i = 0; i < n; i++)
        {
            float alpha = 1f - _betas[i];
            product *= alpha;
            _alphasCumprod[i] = (float)product;
        }

        _sigmas = new float[n];
        _logSigmas = new float[n];
        for (int i = 0; i < n; i++)
        {
            float a = _alphasCumprod[i];
            _sigmas[i] = MathF.Sqrt((1f - a) / a);
            _logSigmas[i] = (float)Math.Log(_sigmas[i]);
        }
    }

    /// <summary>Training betas βₜ (float32).</summary>
    public ReadOnlySpan<float> Betas => _betas;

    /// <summary>ᾱₜ = Π (1 − βᵢ), float32 as diffusers stores it.</summary>
    public ReadOnlySpan<float> AlphasCumprod => _alphasCumprod;

    /// <summary>Training sigmas σₜ = sqrt((1 − ᾱₜ) / ᾱₜ), ascending in t.</summary>
    public ReadOnlySpan<float> Sigmas => _sigmas;

    /// <summary>ln σₜ (float32, as numpy computes it from float32 sigmas).</summary>
    internal ReadOnlySpan<float> LogSigmas => _logSigmas;

    /// <summary>Number of training timesteps.</summary>
    public int Length => _betas.Length;

    /// <summary>σ interpolated linearly at a (possibly fractional) timestep, like <c>np.interp</c>.</summary>
    public double InterpolateSigma(double t)
    {
        if (t <= 0)
        {
            return _sigmas[0];
        }

        if (t >= Length - 1)
        {
            return _sigmas[Length - 1];
        }

        int j = (int)Math.Floor(t);
        if (j == t)
        {
            return _sigmas[j];
        }

        double slope = (double)_sigmas[j + 1] - _sigmas[j];
        return (slope * (t - j)) + _sigmas[j];
    }

    /// <summary>The fractional timestep whose log-sigma matches, by linear interpolation in log σ (diffusers <c>_sigma_to_t</c>).</summary>
    public double SigmaToTimestep(double sigma)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < _logSigmas.Length; i++)
        {
            if (logSigma - _logSigmas[i] >= 0)
            {
                low = i;
            }
            else
            {
                break;
            }
        }

        low = Math.Min(low, Length - 2);
        double lo = _logSigmas[low];
        double hi = _logSigmas[low + 1];
        double w = Math.Clamp((lo - logSigma) / (lo - hi), 0.0, 1.0);
        return ((1 - w) * low) + (w * (low + 1));
    }

    /// <summary>Karras et al. (2022) sigmas: ρ = 7 interpolation between <paramref name="sigmaMax"/> and <paramref name="sigmaMin"/>.</summary>
    public static double[] KarrasSigmas(double sigmaMin, double sigmaMax, int count)
    {
        const double rho = 7.0;
        double minInv = Math.Pow(sigmaMin, 1 / rho);
        double maxInv = Math.Pow(sigmaMax, 1 / rho);
        double[] ramp = NumpyLinspace(0, 1, count);
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = Math.Pow(maxInv + (ramp[i] * (minInv - maxInv)), rho);
        }

        return result;
    }

    /// <summary><c>np.linspace(start, stop, num)</c> in double precision, endpoint included.</summary>
    internal static double[] NumpyLinspace(double start, double stop, int num)
    {
        var result = new double[num];
        if (num == 1)
        {
            result[0] = start;
            return result;
        }

        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++)
        {
            result[i] = (i * step) + start;
        }

        result[num - 1] = stop;
        return result;
    }

    /// <summary><c>torch.linspace(start, end, steps, dtype=float32)</c> on the CPU (first half from start, second half from end).</summary>
    internal static float[] TorchLinspace(float start, float end, int steps)
    {
        var result = new float[steps];
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++)
        {
            result[i] = i < halfway ? start + (step * i) : end - (step * (steps - i - 1));
        }

        return result;
    }

    private static float[] Squared(float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= values[i];
        }

        return values;
    }

    private static float[] SquaredCosCapV2(int n)
    {
        static double AlphaBar(double t)
        {
            double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2);
            return c * c;
        }

        var betas = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t1 = (double)i / n;
            double t2 = (double)(i + 1) / n;
            betas[i] = (float)Math.Min(1 - (AlphaBar(t2) / AlphaBar(t1)), 0.999);
        }

        return betas;
    }
}
