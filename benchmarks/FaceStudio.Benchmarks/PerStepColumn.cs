using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FaceStudio.Benchmarks;

/// <summary>
/// Milliseconds per denoise step, for benchmarks in the <see cref="Category"/> category (their Mean is already per
/// step through <c>OperationsPerInvoke</c>, or is one step). Other benchmarks show "-".
/// </summary>
public sealed class PerStepColumn : IColumn
{
    /// <summary>Category marking per-step benchmarks.</summary>
    public const string Category = "PerStep";

    /// <inheritdoc />
    public string Id => nameof(PerStepColumn);

    /// <inheritdoc />
    public string ColumnName => "ms/step";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    ColumnCategory IColumn.Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Mean time per denoise step in milliseconds (per-step benchmarks only)";

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (!benchmarkCase.Descriptor.Categories.Contains(Category))
        {
            return "-";
        }

        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is { } ns ? (ns / 1e6).ToString("F4", CultureInfo.InvariantCulture) : "NA";
    }

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}
