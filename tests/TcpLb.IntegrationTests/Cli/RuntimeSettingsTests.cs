using System.Text.Json;
using Xunit;

namespace TcpLb.IntegrationTests.Cli;

/// <summary>
/// The runtime settings the tcplb binary ships with (its runtimeconfig.json; the Native AOT binary has them built
/// in), each measured against HAProxy in bench/README.md: removing one costs CPU per connection opened.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.Runtime.TieredCompilation", "false")] // each method compiled once, optimized
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0")] // idle pool workers sleep at once
    public void The_binary_ships_with(string setting, string value)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "tcplb.runtimeconfig.json");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(setting, out JsonElement actual), $"{path} has no {setting}");
        Assert.Equal(value, actual.ToString().ToLowerInvariant());
    }
}
