using System.Buffers;
using TcpLb.ProxyProtocol.V1;
using TcpLb.ProxyProtocol.V2;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// Reads a PROXY header (v1 or v2) from the start of a connection's bytes. Stateless: call it again from
/// the start after each read until the status is not Incomplete (the header is small and bounded, rules
/// 5 and 21). Never throws on wire bytes, never looks past the header, and allocates nothing.
/// </summary>
/// <remarks>
/// "Rule N" in these docs is rule N of the PROXY protocol as TcpLb's repository restates it in
/// <c>docs/proxy-protocol.md</c>: HAProxy's <c>doc/proxy-protocol.txt</c> as 25 numbered rules, each with its tests.
/// </remarks>
public static class ProxyHeaderParser
{
    /// <summary>Parses with <see cref="ProxyHeaderParserOptions.Default"/>.</summary>
    public static ProxyParseResult Parse(in ReadOnlySequence<byte> input) => Parse(input, ProxyHeaderParserOptions.Default);

    /// <summary>
    /// Detects and parses a header at the start of <paramref name="input"/> (rule 18): the v2 signature,
    /// else <c>PROXY </c>, else not a PROXY header. While the bytes are a prefix of either, waits for more
    /// (rule 19).
    /// </summary>
    public static ProxyParseResult Parse(in ReadOnlySequence<byte> input, ProxyHeaderParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> start = stackalloc byte[ProxyV2Constants.SignatureLength];
        int available = (int)Math.Min(input.Length, start.Length);
        start = start[..available];
        input.Slice(0, available).CopyTo(start);

        if (available == 0)
        {
            return Incomplete(input);
        }

        if (ProxyV2Constants.Signature.StartsWith(start))
        {
            return available == ProxyV2Constants.SignatureLength
                ? ProxyV2Parser.Parse(input, options)
                : Incomplete(input);
        }

        ReadOnlySpan<byte> v1Prefix = ProxyV1Constants.Prefix;
        if (available >= v1Prefix.Length ? start.StartsWith(v1Prefix) : v1Prefix.StartsWith(start))
        {
            return available >= v1Prefix.Length
                ? ProxyV1Parser.Parse(input, options)
                : Incomplete(input);
        }

        return new ProxyParseResult(ProxyParseStatus.NotProxy, default, ProxyHeaderError.None, input.Start, input.Start, 0);
    }

    internal static ProxyParseResult Incomplete(in ReadOnlySequence<byte> input) =>
        new(ProxyParseStatus.Incomplete, default, ProxyHeaderError.None, input.Start, input.End, 0);

    internal static ProxyParseResult Invalid(in ReadOnlySequence<byte> input, ProxyHeaderError error) =>
        new(ProxyParseStatus.Invalid, default, error, input.Start, input.Start, 0);

    internal static ProxyParseResult Complete(in ReadOnlySequence<byte> input, ProxyHeader header)
    {
        SequencePosition end = input.GetPosition(header.Length);
        return new(ProxyParseStatus.Complete, header, ProxyHeaderError.None, end, end, header.Length);
    }
}
