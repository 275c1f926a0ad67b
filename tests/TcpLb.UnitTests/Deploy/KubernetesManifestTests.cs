using System.Globalization;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.UnitTests.Configuration;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace TcpLb.UnitTests.Deploy;

/// <summary>
/// deploy/kubernetes agrees with itself and with tcplb: every ConfigMap's tcplb.yaml is a valid config; each pod gives
/// the kubelet more time than the preStop pause plus drainTimeout; the sidecar's router outlives TcpLb's drain; the
/// probes and ports name the admin address the config sets. (The schemas themselves: deploy/kubernetes/check.)
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string s_root = Path.Combine(Path.GetDirectoryName(ConfigText.ExamplePath)!, "deploy", "kubernetes");

    public static TheoryData<string> PodManifests => ["deployment.yaml", "daemonset.yaml", "sidecar/deis-router.yaml"];

    [Theory]
    [InlineData("configmap.yaml")]
    [InlineData("sidecar/configmap.yaml")]
    public void The_config_in_each_configmap_is_valid(string file)
    {
        ConfigLoadResult loaded = ConfigText.Load(ConfigOf(file));

        Assert.Empty(loaded.Problems);
    }

    [Theory]
    [MemberData(nameof(PodManifests))]
    public void The_grace_period_covers_the_prestop_pause_and_the_drain(string file)
    {
        YamlMappingNode pod = PodSpec(file);
        YamlMappingNode tcplb = Container(pod, "tcplb");
        TcpLbOptions options = OptionsMountedBy(file, tcplb);

        double grace = Number(pod, "terminationGracePeriodSeconds");
        double pause = Number(Mapping(Mapping(Mapping(tcplb, "lifecycle"), "preStop"), "sleep"), "seconds");

        // A margin of 5 s for the process to exit after the drain's last reset.
        Assert.True(pause + options.DrainTimeout.TotalSeconds + 5 <= grace,
            $"{file}: preStop {pause} s + drainTimeout {options.DrainTimeout.TotalSeconds} s + 5 s > terminationGracePeriodSeconds {grace} s");
    }

    [Fact]
    public void The_sidecars_router_serves_until_tcplb_has_drained()
    {
        YamlMappingNode pod = PodSpec("sidecar/deis-router.yaml");
        YamlMappingNode tcplb = Container(pod, "tcplb");
        YamlMappingNode router = Container(pod, "deis-router");
        TcpLbOptions options = OptionsMountedBy("sidecar/deis-router.yaml", tcplb);

        double tcplbPause = Number(Mapping(Mapping(Mapping(tcplb, "lifecycle"), "preStop"), "sleep"), "seconds");
        double routerPause = Number(Mapping(Mapping(Mapping(router, "lifecycle"), "preStop"), "sleep"), "seconds");
        double grace = Number(pod, "terminationGracePeriodSeconds");

        Assert.True(routerPause >= tcplbPause + options.DrainTimeout.TotalSeconds, $"the router stops after {routerPause} s, TcpLb may still drain into it until {tcplbPause + options.DrainTimeout.TotalSeconds} s");
        Assert.True(routerPause < grace, $"the router's pause {routerPause} s leaves nginx no time to stop within {grace} s");
        // Every backend of the sidecar is the router on the pod's loopback, sent PROXY v1 (what every nginx reads).
        Assert.All(options.Listeners, listener =>
        {
            Assert.Equal(ProxySendMode.V1, listener.SendProxy);
            Assert.All(listener.Backends, backend => Assert.StartsWith("127.0.0.1:", backend.Address.ToString(), StringComparison.Ordinal));
        });
    }

    [Theory]
    [MemberData(nameof(PodManifests))]
    public void The_admin_port_probes_and_token_agree_with_the_config(string file)
    {
        YamlMappingNode tcplb = Container(PodSpec(file), "tcplb");
        TcpLbOptions options = OptionsMountedBy(file, tcplb);
        string adminPort = options.Admin.Listen.Port.ToString(CultureInfo.InvariantCulture);

        Assert.Contains(Sequence(tcplb, "ports").Cast<YamlMappingNode>(), port => Text(port, "containerPort") == adminPort && Text(port, "name").EndsWith("admin", StringComparison.Ordinal));
        string[] readiness = [.. Sequence(Mapping(Mapping(tcplb, "readinessProbe"), "exec"), "command").Select(item => ((YamlScalarNode)item).Value!)];
        Assert.Equal(["tcplb", "status", "--ready", "--admin", $"127.0.0.1:{adminPort}", "--admin-token-file", options.Admin.TokenFile!], readiness);
        Assert.Equal("/healthz", Text(Mapping(Mapping(tcplb, "livenessProbe"), "httpGet"), "path")); // the one path without a token
        string tokenDirectory = Path.GetDirectoryName(options.Admin.TokenFile)!;
        Assert.Contains(Sequence(tcplb, "volumeMounts").Cast<YamlMappingNode>(), mount => Text(mount, "mountPath") == tokenDirectory);
    }

    // The tcplb.yaml of the ConfigMap a container mounts at /etc/tcplb, loaded as tcplb would.
    private static TcpLbOptions OptionsMountedBy(string file, YamlMappingNode container)
    {
        string volume = Text(Sequence(container, "volumeMounts").Cast<YamlMappingNode>().Single(mount => Text(mount, "mountPath") == "/etc/tcplb"), "name");
        YamlMappingNode source = Sequence(PodSpec(file), "volumes").Cast<YamlMappingNode>().Single(item => Text(item, "name") == volume);
        string configMap = Text(Mapping(source, "configMap"), "name");
        string configFile = Directory.EnumerateFiles(Path.Combine(s_root, Path.GetDirectoryName(file)!), "*.yaml")
            .Single(path => Documents(path).Any(document => Text(document, "kind") == "ConfigMap" && Text(Mapping(document, "metadata"), "name") == configMap));
        ConfigLoadResult loaded = ConfigText.Load(ConfigOf(Path.GetRelativePath(s_root, configFile)));
        Assert.Empty(loaded.Problems);
        return loaded.Options!;
    }

    private static string ConfigOf(string file) =>
        Text(Mapping(Documents(Path.Combine(s_root, file)).Single(document => Text(document, "kind") == "ConfigMap"), "data"), "tcplb.yaml");

    private static YamlMappingNode PodSpec(string file)
    {
        YamlMappingNode workload = Documents(Path.Combine(s_root, file)).Single(document => Text(document, "kind") is "Deployment" or "DaemonSet");
        return Mapping(Mapping(Mapping(workload, "spec"), "template"), "spec");
    }

    private static YamlMappingNode Container(YamlMappingNode pod, string name) =>
        Sequence(pod, "containers").Cast<YamlMappingNode>().Single(container => Text(container, "name") == name);

    private static IEnumerable<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(document => document.RootNode).OfType<YamlMappingNode>();
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? ((YamlScalarNode)value).Value ?? string.Empty : string.Empty;

    private static double Number(YamlMappingNode node, string key) => double.Parse(Text(node, key), CultureInfo.InvariantCulture);
}
