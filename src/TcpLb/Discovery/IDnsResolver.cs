using System.Net;

namespace TcpLb.Discovery;

/// <summary>
/// The DNS seam discovery resolves through (tests substitute it). An answer, even an empty one, comes
/// back as a list; a failure to get an answer (SERVFAIL, REFUSED, timeout, network error) is thrown as a
/// <see cref="DnsResolutionException"/>, so callers can tell "the name has no backends" from "DNS is down".
/// </summary>
internal interface IDnsResolver
{
    /// <summary>
    /// The name's A and AAAA addresses. Empty when the name exists without addresses (NOERROR, no data)
    /// or does not exist (NXDOMAIN); a failure of either query fails the whole lookup, so a half answer
    /// never passes for a whole one.
    /// </summary>
    Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// The name's SRV records, each with its target's addresses (from the answer's additional section
    /// when the server put them there, else by an A/AAAA lookup of the target). Empty on NOERROR without
    /// records or NXDOMAIN; records whose target is "." (RFC 2782: service not available) are left out.
    /// </summary>
    Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken cancellationToken);
}
