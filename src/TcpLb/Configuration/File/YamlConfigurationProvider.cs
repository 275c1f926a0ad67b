using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TcpLb.Configuration.File;

/// <summary>
/// A YAML document as Microsoft.Extensions.Configuration keys, the way the JSON provider lays JSON out: a
/// mapping's keys joined with <c>:</c>, a list's items by index (<c>listeners:0:listen:1</c>), a scalar as its
/// text, <c>~</c>/<c>null</c> as a null value, an empty list or mapping as an empty value (present, with nothing in it). Parse errors are <see cref="YamlException"/>s with line and column.
/// </summary>
internal sealed class YamlConfigurationProvider(string text) : ConfigurationProvider
{
    private const string UnclosedMessage = "unexpected end of a list or mapping (an unclosed [ or {?)";

    public override void Load()
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (Exception exception) when (exception is not YamlException)
        {
            // Some scanner errors come without a message or a place: the scanner still knows where it stopped.
            throw new YamlException(scanner.CurrentPosition, scanner.CurrentPosition, UnclosedMessage, exception);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count > 0)
        {
            YamlNode root = stream.Documents[0].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                Data = data; // an empty file: no settings
                return;
            }

            if (root is not YamlMappingNode mapping)
            {
                throw new YamlException(root.Start, root.End, "the file must hold settings (listeners: ...), not a list or a single value");
            }

            Add(data, mapping, string.Empty);
        }

        Data = data;
    }

    private static void Add(Dictionary<string, string?> data, YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode { Children.Count: 0 } or YamlSequenceNode { Children.Count: 0 } when path.Length > 0:
                data[path] = string.Empty; // given, and empty: [] or {} (a route's proxyTlvs: [] sends none, rather than its listener's)
                break;
            case YamlMappingNode mapping:
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    string name = ((YamlScalarNode)key).Value ?? string.Empty;
                    string child = path.Length == 0 ? name : ConfigurationPath.Combine(path, name);
                    if (data.ContainsKey(child) || data.Keys.Any(k => k.StartsWith(child + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)))
                    {
                        throw new YamlException(key.Start, key.End, $"'{name}' is given twice");
                    }

                    Add(data, value, child);
                }

                break;
            case YamlSequenceNode sequence:
                for (int i = 0; i < sequence.Children.Count; i++)
                {
                    Add(data, sequence.Children[i], ConfigurationPath.Combine(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                break;
            case YamlScalarNode scalar:
                bool isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null" or "Null" or "NULL";
                data[path] = isNull ? null : scalar.Value;
                break;
        }
    }

    /// <summary>Where the provider comes from, for <see cref="IConfigurationBuilder.Add"/>.</summary>
    public sealed class Source(string text) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new YamlConfigurationProvider(text);
    }
}
