using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TcpLb.Admin;

/// <summary>
/// Who may ask the admin endpoint, decided once at start. With a token, every request but <c>/healthz</c> (liveness,
/// which tells nothing) must carry <c>Authorization: Bearer TOKEN</c>. Without one the endpoint is open, which is
/// allowed on a loopback address, where only the host's own processes reach it, and elsewhere only when the operator
/// says so (<c>admin.allowUnauthenticated</c>): <c>/status</c> and <c>/metrics</c> name every backend and its load.
/// </summary>
internal sealed class AdminAccess
{
    private const string BearerPrefix = "Bearer ";

    // SHA-256 of the token: comparing digests of equal length in fixed time tells a guesser neither where the first
    // wrong character is nor how long the token is.
    private readonly byte[]? _tokenDigest;

    private AdminAccess(byte[]? tokenDigest, string description)
    {
        _tokenDigest = tokenDigest;
        Description = description;
    }

    /// <summary>How it is guarded, for the line the endpoint logs when it listens.</summary>
    public string Description { get; }

    /// <summary>True when requests (but <c>/healthz</c>) must carry the token.</summary>
    public bool RequiresToken => _tokenDigest is not null;

    /// <summary>
    /// The access for an endpoint on <paramref name="listen"/> with <paramref name="token"/> (null: none); false with the
    /// reason, naming the settings that fix it, when a non-loopback address would be open without the operator saying so.
    /// </summary>
    public static bool TryDecide(IPEndPoint listen, string? token, bool allowUnauthenticated, [NotNullWhen(true)] out AdminAccess? access, out string refusal)
    {
        access = null;
        refusal = string.Empty;
        if (token is not null && allowUnauthenticated)
        {
            refusal = "admin.allowUnauthenticated is true and a token is set too: give one or the other";
            return false;
        }

        if (token is not null)
        {
            access = new AdminAccess(SHA256.HashData(Encoding.ASCII.GetBytes(token)), "a bearer token required on every path but /healthz");
            return true;
        }

        if (IsLoopback(listen.Address))
        {
            access = new AdminAccess(null, "open: loopback only");
            return true;
        }

        if (allowUnauthenticated)
        {
            access = new AdminAccess(null, "open to the network: admin.allowUnauthenticated");
            return true;
        }

        refusal = $"the admin endpoint on {listen} would be open to the network without a token: put the token in a file named by " +
            $"admin.tokenFile (--admin-token-file PATH) or in {AdminToken.Variable}, listen on loopback (admin.listen, --admin-listen 127.0.0.1:{listen.Port}), " +
            "or set admin.allowUnauthenticated: true (--admin-allow-unauthenticated) if the network in front of it is trusted";
        return false;
    }

    /// <summary>True when a request for <paramref name="path"/> with this <c>Authorization</c> header (empty: none) may be served.</summary>
    public bool Permits(PathString path, string authorization)
    {
        if (_tokenDigest is null || path.Equals("/healthz", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ReadOnlySpan<char> presented = authorization.AsSpan(BearerPrefix.Length).Trim();
        if (presented.Length > 1024)
        {
            return false; // far longer than any token we accept; not worth hashing
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        int length = Encoding.UTF8.GetBytes(presented, bytes);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], digest);
        return CryptographicOperations.FixedTimeEquals(digest, _tokenDigest);
    }

    // 127.0.0.0/8 and ::1, also written as an IPv4-mapped IPv6 address (::ffff:127.0.0.1).
    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
