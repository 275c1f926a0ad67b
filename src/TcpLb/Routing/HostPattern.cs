using System.Diagnostics.CodeAnalysis;
using System.Text;
using TcpLb.Inspection;

namespace TcpLb.Routing;

/// <summary>
/// A name a route matches the SNI or the HTTP host against: exact (<c>www.example.com</c>) or a leading wildcard
/// (<c>*.example.com</c>), compared ASCII case-insensitively (RFC 4343). As nginx's <c>server_name</c>, the
/// wildcard stands for one or more labels: <c>*.example.com</c> matches <c>a.example.com</c> and
/// <c>a.b.example.com</c>, never <c>example.com</c> itself (HAProxy's <c>-m end .example.com</c> idiom agrees;
/// a certificate's wildcard would take one label only, but a route is not a certificate).
/// </summary>
internal sealed class HostPattern : IEquatable<HostPattern>
{
    // Lower-case ASCII: the whole name, or for a wildcard the suffix with its leading dot (".example.com").
    private readonly byte[] _name;

    private HostPattern(byte[] name, bool wildcard)
    {
        _name = name;
        IsWildcard = wildcard;
    }

    /// <summary>True for <c>*.suffix</c>.</summary>
    public bool IsWildcard { get; }

    /// <summary>
    /// Reads a pattern as the config file writes it; one trailing dot is dropped, as the readers drop it from
    /// names. On failure <paramref name="error"/> says what is wrong, for a message after the setting's path.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out HostPattern? pattern, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        pattern = null;
        string name = text.EndsWith('.') ? text[..^1] : text;
        bool wildcard = name.StartsWith("*.", StringComparison.Ordinal);
        string body = wildcard ? name[2..] : name;
        if (name.Length == 0)
        {
            error = "empty: give a name (www.example.com) or a wildcard (*.example.com)";
        }
        else if (body.Contains('*', StringComparison.Ordinal))
        {
            error = $"'{text}': a wildcard is a leading '*.' only (*.example.com, one or more labels)";
        }
        else if (body.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{text}': a name has no port (the port is not compared)";
        }
        else if (!Ascii.IsValid(body))
        {
            error = $"'{text}' is not ASCII: write an internationalized name as its A-label (xn--...)";
        }
        else if (name.Length > Tls.MaxHostNameLength || !HostNameSyntax.IsDnsName(Encoding.ASCII.GetBytes(body)))
        {
            error = $"'{text}' is not a host name (letters, digits, '-' and '_' in labels of a dotted name, at most 255 bytes)";
        }
        else
        {
            error = string.Empty;
            byte[] lower = Encoding.ASCII.GetBytes((wildcard ? name[1..] : name).ToLowerInvariant());
            pattern = new HostPattern(lower, wildcard);
            return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="lowerCaseName"/> (already lower-cased) is this name, or ends in this suffix after at least one more label.</summary>
    public bool Matches(ReadOnlySpan<byte> lowerCaseName) =>
        IsWildcard
            ? lowerCaseName.Length > _name.Length && lowerCaseName.EndsWith(_name)
            : lowerCaseName.SequenceEqual(_name);

    /// <summary>True when every name <paramref name="other"/> matches, this matches too.</summary>
    public bool Covers(HostPattern other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return IsWildcard
            ? other._name.AsSpan().EndsWith(_name) && (other.IsWildcard || other._name.Length > _name.Length)
            : !other.IsWildcard && other._name.AsSpan().SequenceEqual(_name);
    }

    public bool Equals(HostPattern? other) => other is not null && IsWildcard == other.IsWildcard && _name.AsSpan().SequenceEqual(other._name);

    public override bool Equals(object? obj) => Equals(obj as HostPattern);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsWildcard);
        hash.AddBytes(_name);
        return hash.ToHashCode();
    }

    /// <summary>As the config file would write it, lower-cased: <c>*.example.com</c>.</summary>
    public override string ToString() => (IsWildcard ? "*" : string.Empty) + Encoding.ASCII.GetString(_name);
}
