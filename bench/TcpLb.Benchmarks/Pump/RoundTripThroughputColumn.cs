using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TcpLb.Benchmarks.Pump;

/// <summary>
/// MiB/s of message per round trip: MessageBytes / median time. Each byte crosses the pump twice (there and
/// back), so the bytes the pump moves per second are twice this figure.
/// </summary>
internal sealed class RoundTripThroughputColumn : IColumn
{
    public string Id => nameof(RoundTripThroughputColumn);

    public string ColumnName => "MiB/s (message)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Message MiB per second of round trips (MessageBytes / median); the pump moves twice this";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        object? bytes = benchmarkCase.Parameters["MessageBytes"];
        if (statistics is null || bytes is not int messageBytes || statistics.Median <= 0)
        {
            return "-";
        }

        double seconds = statistics.Median / 1e9;
        return (messageBytes / seconds / (1024 * 1024)).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
