using System.Globalization;

namespace TcpLb.IntegrationTests.Admin;

/// <summary>A <c>/metrics</c> answer in the Prometheus text format, read the way a test asks: one series' value by name and labels.</summary>
internal sealed class PrometheusScrape(string text)
{
    public string Text { get; } = text;

    public static async Task<PrometheusScrape> FetchAsync(HttpClient http, Uri admin, CancellationToken cancellationToken) =>
        new(await http.GetStringAsync(new Uri(admin, "/metrics"), cancellationToken));

    /// <summary>
    /// The value of the one series named <paramref name="name"/> that has every label given (<c>label="value"</c>);
    /// null when there is none. More than one match is a test mistake and throws.
    /// </summary>
    public double? Value(string name, params string[] labels)
    {
        string[] matches = [.. Text.Split('\n').Where(line =>
            line.StartsWith(name + "{", StringComparison.Ordinal) &&
            labels.All(label => line.Contains(label, StringComparison.Ordinal)))];
        return matches.Length switch
        {
            0 => null,
            1 => double.Parse(matches[0][(matches[0].LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"{matches.Length} series match {name} {string.Join(' ', labels)}:\n{string.Join('\n', matches)}"),
        };
    }
}
