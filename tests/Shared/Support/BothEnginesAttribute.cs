using System.Reflection;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace TcpLb.Testing;

/// <summary>
/// Runs a behaviour test once per engine (<c>[Theory, BothEngines]</c> with an <see cref="Engine"/> parameter):
/// the portable sockets engine and, on Linux, the epoll engine. One test body, two engines: they must behave alike.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BothEnginesAttribute : DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        ITheoryDataRow epoll = OperatingSystem.IsLinux()
            ? new TheoryDataRow<Engine>(Engine.Epoll)
            : new TheoryDataRow<Engine>(Engine.Epoll) { Skip = "the epoll engine runs on Linux only" };
        return new([new TheoryDataRow<Engine>(Engine.Sockets), epoll]);
    }

    public override bool SupportsDiscoveryEnumeration() => true;
}
