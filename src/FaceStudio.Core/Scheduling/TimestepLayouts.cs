namespace FaceStudio.Core.Scheduling;

/// <summary>The timestep layouts of diffusers' scheduler families, reproduced value for value.</summary>
internal static class TimestepLayouts
{
    /// <summary>DDIM/DDPM layout: integer timesteps, descending.</summary>
    public static double[] Integer(SchedulerConfig config, int n)
    {
        int train = config.NumTrainTimesteps;
        return config.TimestepSpacing switch
        {
            TimestepSpacing.Linspace => Descending(RoundAll(NoiseSchedule.NumpyLinspace(0, train - 1, n))),
            TimestepSpacing.Leading => Leading(n, train / n, config.StepsOffset),
            _ => Trailing(train, n),
        };
    }

    /// <summary>Euler/LMS/Heun layout: like <see cref="Integer"/> but linspace is not rounded (float32 values).</summary>
    public static double[] Continuous(SchedulerConfig config, int n)
    {
        int train = config.NumTrainTimesteps;
        if (config.TimestepSpacing == TimestepSpacing.Linspace)
        {
            double[] values = Descending(NoiseSchedule.NumpyLinspace(0, train - 1, n));
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)values[i];
            }

            return values;
        }

        return Integer(config, n);
    }

    /// <summary>DPM-Solver/UniPC layout: n + 1 points with the last dropped.</summary>
    public static double[] Multistep(SchedulerConfig config, int n)
    {
        int train = config.NumTrainTimesteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
                return Descending(RoundAll(NoiseSchedule.NumpyLinspace(0, train - 1, n + 1)))[..n];
            case TimestepSpacing.Leading:
                return Leading(n + 1, train / (n + 1), config.StepsOffset)[..n];
            default:
                return Trailing(train, n);
        }
    }

    private static double[] Leading(int count, int ratio, int offset)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = ((count - 1 - i) * (double)ratio) + offset;
        }

        return values;
    }

    private static double[] Trailing(int train, int n)
    {
        // np.round(np.arange(train, 0, -train / n)) - 1, with numpy's length rule.
        double step = -(double)train / n;
        int count = (int)Math.Ceiling((0 - train) / step);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Math.Round(train + (i * step), MidpointRounding.ToEven) - 1;
        }

        return values;
    }

    private static double[] RoundAll(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Round(values[i], MidpointRounding.ToEven);
        }

        return values;
    }

    private static double[] Descending(double[] values)
    {
        Array.Reverse(values);
        return values;
    }

    /// <summary>Converts to the float32 timesteps the model receives.</summary>
    public static float[] ToFloat(double[] values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }
}
