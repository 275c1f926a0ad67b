using System.Buffers;
using System.Buffers.Binary;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// The value of an SSL TLV (0x20): client flags, the certificate verify result (0 = verified) and
/// sub-TLVs 0x21..0x28. Sub-TLV strings come from <see cref="ProxyTlv.TryGetString"/>.
/// </summary>
public readonly struct ProxySslInfo
{
    private const int FixedLength = 5;

    private ProxySslInfo(ProxySslClient client, uint verifyResult, ReadOnlySequence<byte> subTlvs)
    {
        Client = client;
        VerifyResult = verifyResult;
        SubTlvs = subTlvs;
    }

    /// <summary>The client flags.</summary>
    public ProxySslClient Client { get; }

    /// <summary>The certificate verification result; zero when the certificate was verified.</summary>
    public uint VerifyResult { get; }

    /// <summary>The raw sub-TLV bytes.</summary>
    public ReadOnlySequence<byte> SubTlvs { get; }

    /// <summary>Walks the sub-TLVs.</summary>
    public ProxyTlvEnumerator EnumerateSubTlvs() => new(SubTlvs);

    /// <summary>Finds the first sub-TLV of a type (for example <see cref="ProxyTlvType.SslVersion"/>).</summary>
    public bool TryGetSubTlv(ProxyTlvType type, out ProxyTlv tlv)
    {
        foreach (ProxyTlv candidate in EnumerateSubTlvs())
        {
            if (candidate.Type == type)
            {
                tlv = candidate;
                return true;
            }
        }

        tlv = default;
        return false;
    }

    internal static bool TryRead(ProxyTlv tlv, out ProxySslInfo ssl)
    {
        ssl = default;
        if (tlv.Type != ProxyTlvType.Ssl || tlv.Value.Length < FixedLength)
        {
            return false;
        }

        Span<byte> fixedPart = stackalloc byte[FixedLength];
        tlv.Value.Slice(0, FixedLength).CopyTo(fixedPart);
        ReadOnlySequence<byte> subTlvs = tlv.Value.Slice(FixedLength);
        if (!ProxyTlvEnumerator.AreWellFormed(subTlvs))
        {
            return false;
        }

        ssl = new ProxySslInfo((ProxySslClient)fixedPart[0], BinaryPrimitives.ReadUInt32BigEndian(fixedPart[1..]), subTlvs);
        return true;
    }
}
