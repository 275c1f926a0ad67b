using System.Net;
using TcpLb.Configuration;

namespace TcpLb.Discovery;

/// <summary>
/// Turns DNS answers into backend options: the template's settings with each address. The result is
/// ordered by address and port and has one entry per address, so the same answer in another order (DNS
/// servers rotate records) gives the same list, and one address never becomes two members.
/// </summary>
internal static class DiscoveredBackends
{
    // The address is always replaced; this one only satisfies `required` when no template is configured.
    private static readonly BackendOptions s_defaultTemplate = new() { Address = new IPEndPoint(IPAddress.None, 0) };

    /// <summary>A/AAAA: every address on <paramref name="port"/>, with the template's settings.</summary>
    public static IReadOnlyList<BackendOptions> FromAddresses(IReadOnlyList<IPAddress> addresses, int port, BackendOptions? template)
    {
        BackendOptions settings = template ?? s_defaultTemplate;
        return Ordered(addresses.Select(address => settings with { Address = new IPEndPoint(address, port) }));
    }

    /// <summary>
    /// SRV: every target address on the record's port. The SRV weight replaces the template's, clamped to
    /// 1..256 (SRV allows 0..65535; 0 means "rarely", which 1 is the closest to without taking the backend
    /// out). Priority: the pool has only two tiers, so the lowest priority present becomes the primaries
    /// and every higher priority becomes backups, used together once no primary is healthy. RFC 2782 would
    /// try each higher priority in turn; merging them is the trade-off for HAProxy's two-tier model. A
    /// template with <c>Backup</c> set makes every discovered backend a backup.
    /// </summary>
    public static IReadOnlyList<BackendOptions> FromSrv(IReadOnlyList<SrvTarget> targets, BackendOptions? template)
    {
        BackendOptions settings = template ?? s_defaultTemplate;
        SrvTarget[] reachable = [.. targets.Where(target => target.Addresses.Count > 0)];
        if (reachable.Length == 0)
        {
            return [];
        }

        int primaryPriority = reachable.Min(target => target.Priority);

        // Preferred records first, so when two records name the same address and port the preferred one wins.
        IEnumerable<BackendOptions> backends =
            from target in reachable.OrderBy(target => target.Priority).ThenByDescending(target => target.Weight)
            from address in target.Addresses
            select settings with
            {
                Address = new IPEndPoint(address, target.Port),
                Weight = Math.Clamp(target.Weight, BackendOptions.MinWeight, BackendOptions.MaxWeight),
                Backup = settings.Backup || target.Priority != primaryPriority,
            };
        return Ordered(backends);
    }

    private static List<BackendOptions> Ordered(IEnumerable<BackendOptions> backends)
    {
        var seen = new HashSet<EndPoint>();
        var unique = new List<BackendOptions>();
        foreach (BackendOptions backend in backends)
        {
            if (seen.Add(backend.Address))
            {
                unique.Add(backend);
            }
        }

        unique.Sort((left, right) => CompareEndPoints((IPEndPoint)left.Address, (IPEndPoint)right.Address));
        return unique;
    }

    private static int CompareEndPoints(IPEndPoint left, IPEndPoint right)
    {
        int byFamily = left.AddressFamily.CompareTo(right.AddressFamily);
        if (byFamily != 0)
        {
            return byFamily;
        }

        int byAddress = left.Address.GetAddressBytes().AsSpan().SequenceCompareTo(right.Address.GetAddressBytes());
        return byAddress != 0 ? byAddress : left.Port.CompareTo(right.Port);
    }
}
