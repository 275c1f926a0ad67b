using TcpLb.Configuration.File;
using Xunit;

namespace TcpLb.UnitTests.Configuration;

/// <summary>
/// Broken config files, each with one mistake, each reported as exactly one line: its path in the file and why
/// (what <c>tcplb validate</c> prints, and why <c>tcplb run</c> and a reload refuse the file).
/// </summary>
public sealed class BrokenConfigTests
{
    private const string Ok = "\n    backends: [\"10.0.0.5:80\"]";

    [Theory]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    helthCheck: {kind: tcp}",
        "listeners[0].helthCheck: unknown setting; did you mean healthCheck?")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n  - listen: \"127.0.0.1:8081\"\n    backends: [{address: x}]",
        "listeners[1].backends[0].address: 'x' is not host:port (write IPv6 as [addr]:port)")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    timeouts: {connect: 5}",
        "listeners[0].timeouts.connect: '5' needs a unit: ms, s, m, h or d")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    sendProxy: v3",
        "listeners[0].sendProxy: 'v3' is not one of v1, v2, off")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [{address: \"10.0.0.5:80\", weight: 300}]",
        "listeners[0].backends[0].weight: '300' is not 1..256")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    balance: fastest",
        "listeners[0].balance: 'fastest' is not one of least-connections, round-robin, power-of-two, random, source-hash")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    sendProxy: v1\n    forwardTlvs: true",
        "listeners[0].forwardTlvs: TLVs can only be forwarded with sendProxy v2")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"",
        "listeners[0].backends: no backend: give backends or dns")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n  - listen: [\"127.0.0.1:8081\", \"*:8080\"]" + Ok,
        "listeners[1].listen[1]: [::]:8080 is already taken by listeners[0].listen[0] (127.0.0.1:8080)")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    acceptProxyFrom: [\"10.0.0.1/8\"]",
        "listeners[0].acceptProxyFrom[0]: '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    healthCheck: tcp",
        "listeners[0].healthCheck: expected settings such as {kind: http, path: /healthz}, not the value 'tcp'")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\n    healthCheck: {kind: tcp, fall: 0}",
        "listeners[0].healthCheck.fall: '0' must be at least 1")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"\n    dns: {name: 10.0.0.1, port: 80}",
        "listeners[0].dns.name: '10.0.0.1' is an address, not a name to resolve; list it in backends")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\", \"10.0.0.5:80,weight=2\"]",
        "listeners[0].backends[1]: 10.0.0.5:80 is listed twice")]
    [InlineData("listeners:\n  - listen: [\"127.0.0.1:8080\"\n    backends: [\"10.0.0.5:80\"]",
        "not valid YAML at line 3, column 5: unexpected end of a list or mapping (an unclosed [ or {?)")]
    [InlineData("listeners:\n  - listen: \"127.0.0.1:8080\"" + Ok + "\ndrainTimeout: 30s\ndrainTimeOut: 1m",
        "not valid YAML at line 5, column 1: 'drainTimeOut' is given twice")]
    [InlineData("listeners: []",
        "listeners: no listener: give at least one, e.g. - {listen: [\"127.0.0.1:8080\"], backends: [\"10.0.0.5:80\"]}")]
    public void One_mistake_gives_one_line_naming_its_path_and_why(string file, string expected)
    {
        ConfigLoadResult loaded = ConfigText.Load(file);

        Assert.Null(loaded.Options);
        Assert.Equal([expected], loaded.Problems);
    }

    [Fact]
    public void Several_mistakes_are_all_reported_at_once()
    {
        const string file = """
            listeners:
              - listen: ["127.0.0.1:8080", "nowhere:80"]
                backends: ["10.0.0.5:80,weight=0", {address: "10.0.0.6:80", maxConection: 3}]
                allowDirect: true
            drainTimeout: soon
            """;

        ConfigLoadResult loaded = ConfigText.Load(file);

        Assert.Equal(
            [
                "listeners[0].listen[1]: 'nowhere' is not an IP address (use *:port for all addresses)",
                "listeners[0].backends[0]: 'weight=0' is not a backend setting; use weight=1..256, max-conn=N, slow-start=DURATION or backup",
                "listeners[0].backends[1].maxConection: unknown setting; did you mean maxConnections?",
                "listeners[0].allowDirect: only meaningful with acceptProxyFrom",
                "drainTimeout: 'soon' is not a duration such as 250ms, 5s, 2m, 1h",
            ],
            loaded.Problems);
    }

    [Fact]
    public void A_missing_file_an_unknown_type_and_bad_json_are_one_clear_line_each()
    {
        Assert.Equal(["no such file"], ConfigFile.Load(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.yaml")).Problems);
        Assert.Equal(["unknown file type; name it .yaml, .yml or .json"], ConfigText.Load("listeners: []", ".toml").Problems);
        Assert.Equal(
            ["not valid JSON at line 2, position 1: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed."],
            ConfigText.Load("{\"listeners\": [\n", ".json").Problems);
    }
}
