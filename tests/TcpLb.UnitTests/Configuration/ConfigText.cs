using System.Collections;
using TcpLb.Configuration.File;
using TcpLb.Routing;

namespace TcpLb.UnitTests.Configuration;

/// <summary>Loads config text the way <c>tcplb</c> loads a file (its routes checked too): written to a temporary file of the given type, no environment unless given.</summary>
internal static class ConfigText
{
    public static ConfigLoadResult Load(string text, string extension = ".yaml", IDictionary? environment = null)
    {
        string directory = Directory.CreateTempSubdirectory("tcplb-config-").FullName;
        try
        {
            string path = Path.Combine(directory, "tcplb" + extension);
            File.WriteAllText(path, text);
            return ConfigFile.Load(path, environment ?? new Hashtable(), RoutingCheck.Check);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The repository's tcplb.example.yaml, found from the test binaries upwards.</summary>
    public static string ExamplePath
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tcplb.example.yaml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("tcplb.example.yaml not found above " + AppContext.BaseDirectory);
        }
    }
}
