namespace TcpLb.Configuration.Settings;

/// <summary>Every problem found in one config file, in file order, each as <c>path: why</c>.</summary>
internal sealed class ConfigProblems
{
    private readonly List<string> _lines = [];

    public int Count => _lines.Count;

    public IReadOnlyList<string> Lines => _lines;

    public void Add(string path, string message) => _lines.Add(path.Length == 0 ? message : $"{path}: {message}");

    /// <summary>True when a problem is already reported at <paramref name="path"/> or below it (so a rule does not repeat it).</summary>
    public bool HasAtOrBelow(string path) => _lines.Any(line =>
        line.StartsWith(path, StringComparison.Ordinal) && line.Length > path.Length && line[path.Length] is ':' or '.' or '[');
}
