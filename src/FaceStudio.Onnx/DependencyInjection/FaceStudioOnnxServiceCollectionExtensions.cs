using FaceStudio.Core.Errors;
using FaceStudio.Core.Pipeline;
using FaceStudio.Onnx.DependencyInjection;
using FaceStudio.Onnx.Packs;
using FaceStudio.Onnx.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// In Microsoft.Extensions.DependencyInjection, as Microsoft's own Add… extensions are: found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddFaceStudio(...)</c>: a <see cref="FaceStudioPipeline"/> over a model pack (or the demo pack),
/// configured from an <see cref="IConfiguration"/> section or a delegate, validated when the host starts.
/// </summary>
public static class FaceStudioOnnxServiceCollectionExtensions
{
    /// <summary>Registers the default pipeline from a configuration section (see <see cref="FaceStudioOnnxOptions"/>).</summary>
    public static IServiceCollection AddFaceStudio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name: null, o => o.Bind(configuration));
    }

    /// <summary>Registers the default pipeline configured by a delegate.</summary>
    public static IServiceCollection AddFaceStudio(this IServiceCollection services, Action<FaceStudioOnnxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name: null, o => o.Configure(configure));
    }

    /// <summary>Registers a named pipeline (keyed service <paramref name="name"/>) from a configuration section; one per model pack.</summary>
    public static IServiceCollection AddFaceStudio(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(services, name, o => o.Bind(configuration));
    }

    /// <summary>Registers a named pipeline (keyed service <paramref name="name"/>) configured by a delegate.</summary>
    public static IServiceCollection AddFaceStudio(this IServiceCollection services, string name, Action<FaceStudioOnnxOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, name, o => o.Configure(configure));
    }

    private static IServiceCollection Add(IServiceCollection services, string? name, Action<OptionsBuilder<FaceStudioOnnxOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        string optionsName = name ?? Microsoft.Extensions.Options.Options.DefaultName;
        OptionsBuilder<FaceStudioOnnxOptions> options = services.AddOptions<FaceStudioOnnxOptions>(optionsName);
        configure(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<FaceStudioOnnxOptions>>(new Validator(optionsName));

        void Build(IServiceProvider sp, FaceStudioPipelineBuilder builder)
        {
            FaceStudioOnnxOptions o = sp.GetRequiredService<IOptionsMonitor<FaceStudioOnnxOptions>>().Get(optionsName);
            ModelPack pack = string.IsNullOrWhiteSpace(o.ModelPack) ? DemoPack.EnsureCached(o.DemoCacheDirectory) : ModelPack.Load(o.ModelPack);
            builder.ConfigureOptions(p => p with { MaxConcurrentRequests = o.MaxConcurrentRequests })
                .UseModelPack(pack, o.ToSessionOptions());
        }

        return name is null ? services.AddFaceStudioPipeline(Build) : services.AddFaceStudioPipeline(name, Build);
    }

    private static List<string> Problems(FaceStudioOnnxOptions o)
    {
        var problems = new List<string>();
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

        if (!string.IsNullOrWhiteSpace(o.ModelPack))
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
        }
        catch (FaceStudioException ex)
        {
            problems.Add(ex.Message);
        }

        return problems;
    }

    private sealed class Validator(string name) : IValidateOptions<FaceStudioOnnxOptions>
    {
        public ValidateOptionsResult Validate(string? optionsName, FaceStudioOnnxOptions options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            List<string> problems = Problems(options);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"FaceStudio{(name.Length > 0 ? $" '{name}'" : string.Empty)}: {p}"));
        }
    }
}
