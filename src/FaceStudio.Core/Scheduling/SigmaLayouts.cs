namespace FaceStudio.Core.Scheduling;

/// <summary>Sigma schedules of the k-diffusion style schedulers (Euler, Euler ancestral, Heun, LMS).</summary>
internal static class SigmaLayouts
{
    /// <summary>
    /// Timesteps and sigmas (count + 1, last from <paramref name="finalSigmas"/>) as diffusers' Euler family
    /// builds them: σ interpolated at the timesteps, optionally respaced with Karras between the extremes.
    /// </summary>
    public static (float[] Timesteps, float[] Sigmas) EulerFamily(SchedulerConfig config, NoiseSchedule schedule, int steps, FinalSigmas finalSigmas)
    {
        double[] timesteps = TimestepLayouts.Continuous(config, steps);
        var sigmas = new double[timesteps.Length];
        for (int i = 0; i < timesteps.Length; i++)
        {
            sigmas[i] = schedule.InterpolateSigma(timesteps[i]);
        }

        if (config.UseKarrasSigmas)
        {
            sigmas = NoiseSchedule.KarrasSigmas(sigmas[^1], sigmas[0], steps);
            timesteps = new double[sigmas.Length];
            for (int i = 0; i < sigmas.Length; i++)
            {
                timesteps[i] = schedule.SigmaToTimestep(sigmas[i]);
            }
        }

        var result = new float[sigmas.Length + 1];
        for (int i = 0; i < sigmas.Length; i++)
        {
            result[i] = (float)sigmas[i];
        }

        result[^1] = finalSigmas == FinalSigmas.SigmaMin ? schedule.Sigmas[0] : 0f;
        return (TimestepLayouts.ToFloat(timesteps), result);
    }

    /// <summary>
    /// DPM-Solver/UniPC layout: integer timesteps; with Karras, sigmas span the whole training range and timesteps
    /// are the rounded inverse.
    /// </summary>
    public static (float[] Timesteps, float[] Sigmas) Multistep(SchedulerConfig config, NoiseSchedule schedule, int steps)
    {
        double[] timesteps = TimestepLayouts.Multistep(config, steps);
        double[] sigmas;
        if (config.UseKarrasSigmas)
        {
            sigmas = NoiseSchedule.KarrasSigmas(schedule.Sigmas[0], schedule.Sigmas[^1], steps);
            timesteps = new double[sigmas.Length];
            for (int i = 0; i < sigmas.Length; i++)
            {
                double t = schedule.SigmaToTimestep(sigmas[i]);
                timesteps[i] = config.BetaSchedule == BetaSchedule.SquaredCosCapV2 ? t : Math.Round(t, MidpointRounding.ToEven);
            }
        }
        else
        {
            sigmas = new double[timesteps.Length];
            for (int i = 0; i < timesteps.Length; i++)
            {
                sigmas[i] = schedule.InterpolateSigma(timesteps[i]);
            }
        }

        var result = new float[sigmas.Length + 1];
        for (int i = 0; i < sigmas.Length; i++)
        {
            result[i] = (float)sigmas[i];
        }

        result[^1] = config.FinalSigmas == FinalSigmas.SigmaMin ? (config.UseKarrasSigmas ? result[^2] : schedule.Sigmas[0]) : 0f;
        var ts = new float[timesteps.Length];
        for (int i = 0; i < ts.Length; i++)
        {
            // diffusers stores these as int64: truncation of the (already integral) values.
            ts[i] = config.UseKarrasSigmas && config.BetaSchedule == BetaSchedule.SquaredCosCapV2 ? (float)Math.Truncate(timesteps[i]) : (float)timesteps[i];
        }

        return (ts, result);
    }

    /// <summary>k-diffusion initial noise: max σ, or √(max σ² + 1) with leading spacing.</summary>
    public static float InitNoiseSigma(SchedulerConfig config, ReadOnlySpan<float> sigmas)
    {
        float max = 0f;
        foreach (float s in sigmas)
        {
            max = Math.Max(max, s);
        }

        return config.TimestepSpacing is TimestepSpacing.Linspace or TimestepSpacing.Trailing ? max : MathF.Sqrt((max * max) + 1f);
    }
}
