using System.Buffers;

namespace TcpLb.ProxyProtocol;

/// <summary>
/// Walks a run of TLVs (a header's TLV area, or an SSL TLV's sub-TLVs) straight from its bytes, without
/// allocating. Stops at the first TLV whose declared length runs past the end; the parser has already
/// refused headers where that happens (rule 13), so over a parsed header it visits every TLV.
/// </summary>
public struct ProxyTlvEnumerator
{
    /// <summary>Type byte + 2-byte big-endian length.</summary>
    internal const int TlvHeaderLength = 3;

    private ReadOnlySequence<byte> _remaining;

    /// <summary>Enumerates the TLVs in <paramref name="tlvs"/>.</summary>
    public ProxyTlvEnumerator(ReadOnlySequence<byte> tlvs)
    {
        _remaining = tlvs;
        Current = default;
    }

    /// <summary>The TLV at the current position.</summary>
    public ProxyTlv Current { get; private set; }

    /// <summary>Returns this enumerator, so it works in <c>foreach</c>.</summary>
    public readonly ProxyTlvEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next TLV; false at the end or at a TLV that overruns.</summary>
    public bool MoveNext()
    {
        if (!TryReadTlv(_remaining, out ProxyTlv tlv, out long length))
        {
            _remaining = default;
            return false;
        }

        Current = tlv;
        _remaining = _remaining.Slice(length);
        return true;
    }

    /// <summary>True when the bytes are a whole number of well-formed TLVs (rule 13).</summary>
    internal static bool AreWellFormed(ReadOnlySequence<byte> tlvs) => TryValidate(tlvs, out _);

    /// <summary>
    /// Checks rule 13 and, in the same walk, finds the first CRC32C TLV (rule 15), so the parser walks
    /// the TLVs once. <paramref name="crc32C"/> is default when there is none.
    /// </summary>
    internal static bool TryValidate(ReadOnlySequence<byte> tlvs, out ProxyTlv crc32C)
    {
        crc32C = default;
        bool found = false;
        while (!tlvs.IsEmpty)
        {
            if (!TryReadTlv(tlvs, out ProxyTlv tlv, out long length))
            {
                return false;
            }

            if (!found && tlv.Type == ProxyTlvType.Crc32C)
            {
                crc32C = tlv;
                found = true;
            }

            tlvs = tlvs.Slice(length);
        }

        return true;
    }

    private static bool TryReadTlv(ReadOnlySequence<byte> bytes, out ProxyTlv tlv, out long totalLength)
    {
        tlv = default;
        totalLength = 0;
        var reader = new SequenceReader<byte>(bytes);
        if (!reader.TryRead(out byte type) || !reader.TryReadBigEndian(out short signedLength))
        {
            return false;
        }

        int length = (ushort)signedLength;
        if (reader.Remaining < length)
        {
            return false;
        }

        tlv = new ProxyTlv((ProxyTlvType)type, bytes.Slice(TlvHeaderLength, length));
        totalLength = TlvHeaderLength + length;
        return true;
    }
}
