namespace TcpLb.Configuration.Settings;

/// <summary>Every problem found in one config file, in file order, each as <c>path: why</c>.</summary>
internal sealed class ConfigProblems
{
    private readonly List<string> _lines = [];
    private readonly List<string> _paths = [];

    public int Count => _lines.Count;

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>
    /// True when a problem is already reported at <paramref name="path"/>, below it or above it: a check of the whole
    /// configuration, which runs on what could be read, says nothing more about a setting that was itself wrong.
    /// </summary>
    public bool HasNear(string path) => _paths.Any(reported => reported.Length > 0 && (Within(path, reported) || Within(reported, path)));

    public void Add(string path, string message)
    {
        _lines.Add(path.Length == 0 ? message : $"{path}: {message}");
        _paths.Add(path);
    }

    /// <summary>True when a problem is already reported at <paramref name="path"/> or below it (so a rule does not repeat it).</summary>
    public bool HasAtOrBelow(string path) => _lines.Any(line =>
        line.StartsWith(path, StringComparison.Ordinal) && line.Length > path.Length && line[path.Length] is ':' or '.' or '[');

    // True when `path` is `ancestor` or lies under it (listeners[0].routes[1].pool under listeners[0].routes[1]).
    private static bool Within(string path, string ancestor) =>
        path.StartsWith(ancestor, StringComparison.Ordinal) && (path.Length == ancestor.Length || path[ancestor.Length] is '.' or '[');
}
