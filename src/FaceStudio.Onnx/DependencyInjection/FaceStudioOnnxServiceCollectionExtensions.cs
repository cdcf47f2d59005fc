using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using FaceStudio.Onnx.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddFaceStudio(...)</c>: a <see cref="FaceStudioPipeline"/> over a model pack, configured from an
/// <see cref="IConfiguration"/> section or a delegate, validated when the host starts: a missing
/// <see cref="FaceStudioOnnxOptions.ModelPack"/>, an unknown key in the section or an execution provider the
/// installed ONNX Runtime lacks stop the host with an <see cref="OptionsValidationException"/>. The random-weight
/// demo pack is used only when asked for (<c>ModelPack = "demo"</c> with FaceStudio.Onnx.Demo's <c>UseDemoPack()</c>).
/// </summary>
public static class FaceStudioOnnxServiceCollectionExtensions
{
    /// <summary>Registers the default pipeline from a configuration section (see <see cref="FaceStudioOnnxOptions"/>).</summary>
    public static IFaceStudioBuilder AddFaceStudio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name: null, o => o.Bind(configuration), configuration);
    }

    /// <summary>Registers the default pipeline configured by a delegate.</summary>
    public static IFaceStudioBuilder AddFaceStudio(this IServiceCollection services, Action<FaceStudioOnnxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name: null, o => o.Configure(configure), configuration: null);
    }

    /// <summary>Registers a named pipeline (keyed service <paramref name="name"/>) from a configuration section; one per model pack.</summary>
    public static IFaceStudioBuilder AddFaceStudio(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name, o => o.Bind(configuration), configuration);
    }

    /// <summary>Registers a named pipeline (keyed service <paramref name="name"/>) configured by a delegate.</summary>
    public static IFaceStudioBuilder AddFaceStudio(this IServiceCollection services, string name, Action<FaceStudioOnnxOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name, o => o.Configure(configure), configuration: null);
    }

    private static FaceStudioBuilder Add(IServiceCollection services, string? name, Action<OptionsBuilder<FaceStudioOnnxOptions>> configure, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        string optionsName = name ?? Microsoft.Extensions.Options.Options.DefaultName;
        OptionsBuilder<FaceStudioOnnxOptions> options = services.AddOptions<FaceStudioOnnxOptions>(optionsName);
        configure(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<FaceStudioOnnxOptions>>(sp => new Validator(optionsName, sp, configuration));

        void Build(IServiceProvider sp, FaceStudioPipelineBuilder builder)
        {
            FaceStudioOnnxOptions o = sp.GetRequiredService<IOptionsMonitor<FaceStudioOnnxOptions>>().Get(optionsName);
            ModelPack pack = SourceFor(sp, o.ModelPack) is { } source ? source.Open(o) : ModelPack.Load(o.ModelPack!);
            builder.ConfigureOptions(p => p with { MaxConcurrentRequests = o.MaxConcurrentRequests })
                .UseModelPack(pack, o.ToSessionOptions());
        }

        _ = name is null ? services.AddFaceStudioPipeline(Build) : services.AddFaceStudioPipeline(name, Build);
        return new FaceStudioBuilder(services, optionsName);
    }

    private static IModelPackSource? SourceFor(IServiceProvider services, string? modelPack) =>
        string.IsNullOrWhiteSpace(modelPack)
            ? null
            : services.GetServices<IModelPackSource>().FirstOrDefault(s => string.Equals(s.Name, modelPack.Trim(), StringComparison.OrdinalIgnoreCase));

    private static List<string> Problems(FaceStudioOnnxOptions o, IServiceProvider services, IConfiguration? configuration)
    {
        var problems = new List<string>();
        string section = configuration is IConfigurationSection { Path.Length: > 0 } s ? s.Path : "FaceStudio";
        if (configuration is not null)
        {
            problems.AddRange(UnknownKeys(configuration, section));
        }

        if (string.IsNullOrWhiteSpace(o.ModelPack))
        {
            problems.Add($"'{section}:ModelPack' is not set: set it to a model pack folder (diffusers/optimum ONNX layout with facestudio.json), " +
                $"or to \"{FaceStudioOnnxOptions.DemoModelPack}\" and call UseDemoPack() from the FaceStudio.Onnx.Demo package for the random-weight demo pack.");
        }
        else if (SourceFor(services, o.ModelPack) is null && string.Equals(o.ModelPack.Trim(), FaceStudioOnnxOptions.DemoModelPack, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"'{section}:ModelPack' is \"{FaceStudioOnnxOptions.DemoModelPack}\" but no demo pack is registered: reference FaceStudio.Onnx.Demo and call services.AddFaceStudio(...).UseDemoPack().");
        }
        if (o.MaxConcurrentRequests is < 1 or > 64)
        {
            problems.Add($"MaxConcurrentRequests must be in [1, 64] but is {o.MaxConcurrentRequests}.");
        }

        if (o.DeviceId < 0)
        {
            problems.Add($"DeviceId must be 0 or more but is {o.DeviceId}.");
        }

        if (o.IntraOpThreads < 0)
        {
            problems.Add($"IntraOpThreads must be 0 (automatic) or more but is {o.IntraOpThreads}.");
        }

        if (!string.IsNullOrWhiteSpace(o.ModelPack) && SourceFor(services, o.ModelPack) is null && !string.Equals(o.ModelPack.Trim(), FaceStudioOnnxOptions.DemoModelPack, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // Reads only folder structure and graph headers: every missing file is reported at start-up.
                _ = ModelPack.Load(o.ModelPack);
            }
            catch (FaceStudioException ex)
            {
                problems.Add($"ModelPack: {ex.Message}");
            }
        }

        try
        {
            o.ToSessionOptions().Validate();

            // A provider the installed runtime lacks stops the host now, not every request later.
            (services.GetService<SessionFactory>() ?? new SessionFactory()).EnsureAvailable(o.ExecutionProvider);
        }
        catch (FaceStudioException ex)
        {
            problems.Add(ex.Message);
        }

        return problems;
    }

    private static IEnumerable<string> UnknownKeys(IConfiguration configuration, string section)
    {
        string[] known = typeof(FaceStudioOnnxOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToArray();
        foreach (IConfigurationSection child in configuration.GetChildren())
        {
            // "Jobs" (FaceStudio:Jobs) belongs to FaceStudio.Jobs.Redis, which binds and validates it itself.
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase) || string.Equals(child.Key, "Jobs", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string? nearest = known.MinBy(k => EditDistance(k.ToUpperInvariant(), child.Key.ToUpperInvariant()));
            bool close = nearest is not null && EditDistance(nearest.ToUpperInvariant(), child.Key.ToUpperInvariant()) <= Math.Max(2, nearest.Length / 3);
            yield return $"unknown key '{section}:{child.Key}'" + (close ? $"; did you mean '{nearest}'?" : $"; the known keys are {string.Join(", ", known)}.");
        }
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private sealed class Validator(string name, IServiceProvider services, IConfiguration? configuration) : IValidateOptions<FaceStudioOnnxOptions>
    {
        public ValidateOptionsResult Validate(string? optionsName, FaceStudioOnnxOptions options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            List<string> problems = Problems(options, services, configuration);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"FaceStudio{(name.Length > 0 ? $" '{name}'" : string.Empty)}: {p}"));
        }
    }
}
