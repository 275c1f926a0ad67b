using System.Net;

namespace TcpLb.IntegrationTests.Chaos;

/// <summary>One client connection of the chaos load: what it did, from where, when, and how it ended.</summary>
internal sealed record Transfer(string Kind, IPEndPoint Client, TimeSpan Start, TimeSpan End, long BytesChecked, string? Failure)
{
    public bool Failed => Failure is not null;

    /// <summary>True when the connection was open at some moment from <paramref name="from"/> to <paramref name="to"/> (a router's dying).</summary>
    public bool Overlaps(TimeSpan from, TimeSpan to) => Start <= to && from <= End;
}
