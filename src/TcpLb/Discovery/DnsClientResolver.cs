using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace TcpLb.Discovery;

/// <summary>
/// <see cref="IDnsResolver"/> over DnsClient's <see cref="LookupClient"/>: the system's name servers
/// (/etc/resolv.conf) by default, or explicit ones (tests point it at a loopback responder).
/// </summary>
internal sealed class DnsClientResolver : IDnsResolver
{
    // One query's wait for an answer, retried once per name server; discovery bounds the whole round too.
    private static readonly TimeSpan s_queryTimeout = TimeSpan.FromSeconds(2);

    private readonly LookupClient _client;

    /// <summary>Resolves through the name servers the system is configured with.</summary>
    public DnsClientResolver()
        : this(new LookupClientOptions())
    {
    }

    /// <summary>Resolves through <paramref name="nameServers"/> only (any port), never the system's.</summary>
    public DnsClientResolver(IReadOnlyList<IPEndPoint> nameServers)
        : this(new LookupClientOptions([.. nameServers]) { AutoResolveNameServers = false })
    {
    }

    private DnsClientResolver(LookupClientOptions options)
    {
        // The discovery interval is the operator's refresh knob: a TTL cache here would stretch it silently.
        options.UseCache = false;

        // Error codes come back as responses, so NXDOMAIN (an answer) and SERVFAIL (a failure) can be told apart.
        options.ThrowDnsErrors = false;
        options.Timeout = s_queryTimeout;
        options.Retries = 1;
        _client = new LookupClient(options);
    }

    public async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string name, CancellationToken cancellationToken)
    {
        Task<IDnsQueryResponse> v4 = QueryAsync(name, QueryType.A, cancellationToken);
        Task<IDnsQueryResponse> v6 = QueryAsync(name, QueryType.AAAA, cancellationToken);
        IDnsQueryResponse[] answers = await Task.WhenAll(v4, v6).ConfigureAwait(false);
        return [.. answers[0].Answers.ARecords().Select(record => record.Address), .. answers[1].Answers.AaaaRecords().Select(record => record.Address)];
    }

    public async Task<IReadOnlyList<SrvTarget>> ResolveSrvAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response = await QueryAsync(name, QueryType.SRV, cancellationToken).ConfigureAwait(false);
        SrvRecord[] records = [.. response.Answers.SrvRecords().Where(record => record.Target.Value != ".")];

        // Servers like Consul put each target's addresses in the additional section ("glue"): no second query.
        ILookup<string, IPAddress> glue = response.Additionals
            .Select(record => record switch
            {
                ARecord a => (Host: a.DomainName.Value, Address: a.Address),
                AaaaRecord aaaa => (Host: aaaa.DomainName.Value, Address: aaaa.Address),
                _ => (Host: string.Empty, Address: IPAddress.None),
            })
            .Where(entry => entry.Host.Length > 0)
            .ToLookup(entry => entry.Host, entry => entry.Address, StringComparer.OrdinalIgnoreCase);

        // One lookup per target host without glue, all at once (several records may share a host).
        var lookups = new Dictionary<string, Task<IReadOnlyList<IPAddress>>>(StringComparer.OrdinalIgnoreCase);
        foreach (SrvRecord record in records)
        {
            string host = record.Target.Value;
            if (!lookups.ContainsKey(host))
            {
                lookups[host] = glue.Contains(host)
                    ? Task.FromResult<IReadOnlyList<IPAddress>>([.. glue[host]])
                    : ResolveAddressesAsync(host, cancellationToken);
            }
        }

        await Task.WhenAll(lookups.Values).ConfigureAwait(false);
        var targets = new List<SrvTarget>(records.Length);
        foreach (SrvRecord record in records)
        {
            string host = record.Target.Value;
            targets.Add(new SrvTarget(host, record.Port, record.Priority, record.Weight, await lookups[host].ConfigureAwait(false)));
        }

        return targets;
    }

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException exception)
        {
            // Timeouts and transport errors after the retries.
            throw new DnsResolutionException($"{type} {name}: {exception.DnsError}", exception);
        }

        // NXDOMAIN is an answer (no such name, so no backends), unlike SERVFAIL or REFUSED.
        return response.Header.ResponseCode is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain
            ? response
            : throw new DnsResolutionException($"{type} {name}: {response.ErrorMessage}");
    }
}
