using System.Text.RegularExpressions;
using Xunit;

namespace TcpLb.UnitTests;

/// <summary>
/// The folders of <c>src/TcpLb</c> (one concern and namespace each) depend one way: no two of them reach each other,
/// even through others; Configuration, at the bottom, reaches none; only Cli (the command line) reaches Hosting, the
/// composition root. Read from the sources: a <c>using TcpLb.X</c> or a name qualified with <c>X.</c> is a dependency on X.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly Dictionary<string, Dictionary<string, List<string>>> s_graph = ReadGraph();

    [Fact]
    public void No_folder_depends_on_itself_through_others()
    {
        Assert.True(s_graph.Count >= 8, $"only {s_graph.Count} folders found under src/TcpLb");
        foreach (string folder in s_graph.Keys)
        {
            List<string>? cycle = PathBack(folder);
            Assert.True(cycle is null, $"{string.Join(" -> ", cycle ?? [])}: {Because(cycle ?? [])}");
        }
    }

    [Fact]
    public void Configuration_depends_on_no_other_folder()
    {
        Assert.Empty(s_graph["Configuration"].Keys);
    }

    [Fact]
    public void Only_the_command_line_reaches_the_composition_root()
    {
        string[] reaching = [.. s_graph.Where(pair => pair.Value.ContainsKey("Hosting")).Select(pair => pair.Key)];

        Assert.Equal(["Cli"], reaching);
    }

    // A path of dependencies from folder back to itself, or null.
    private static List<string>? PathBack(string folder)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<List<string>>([[folder]]);
        while (stack.Count > 0)
        {
            List<string> path = stack.Pop();
            foreach (string next in s_graph[path[^1]].Keys)
            {
                if (next == folder)
                {
                    return [.. path, next];
                }

                if (seen.Add(next))
                {
                    stack.Push([.. path, next]);
                }
            }
        }

        return null;
    }

    private static string Because(List<string> cycle) =>
        string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(step => $"{step.First} -> {step.Second} in {string.Join(", ", s_graph[step.First][step.Second])}"));

    // Folder -> the folders it depends on -> the files that do.
    private static Dictionary<string, Dictionary<string, List<string>>> ReadGraph()
    {
        string source = Path.Combine(RepositoryRoot(), "src", "TcpLb");
        string[] folders = [.. Directory.GetDirectories(source).Select(Path.GetFileName).OfType<string>().Where(name => name is not ("bin" or "obj"))];
        var graph = folders.ToDictionary(folder => folder, _ => new Dictionary<string, List<string>>());
        foreach (string folder in folders)
        {
            foreach (string file in Directory.GetFiles(Path.Combine(source, folder), "*.cs", SearchOption.AllDirectories))
            {
                string text = Comments().Replace(File.ReadAllText(file), string.Empty);
                foreach (string other in folders.Where(other => other != folder && Reaches(text, other)))
                {
                    graph[folder].TryAdd(other, []);
                    graph[folder][other].Add(Path.GetRelativePath(source, file));
                }
            }
        }

        return graph;
    }

    // using TcpLb.X; TcpLb.X.Type; or X.Type not preceded by a dot (Microsoft.AspNetCore.Hosting.X is not ours).
    private static bool Reaches(string text, string folder) =>
        Regex.IsMatch(text, $@"\bTcpLb\.{folder}\b") || Regex.IsMatch(text, $@"(?<![\w.]){folder}\.[A-Z]\w*");

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TcpLb.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("TcpLb.sln not found above " + AppContext.BaseDirectory);
    }

    // Line comments and XML docs: a folder named in prose is not a dependency.
    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();
}
