using System.Buffers;
using FsCheck.Xunit;
using Xunit;

namespace TcpLb.ProxyProtocol.Tests.Properties;

/// <summary>
/// Rules 15-16: with checking on, a CRC32C-protected v2 header that took one bit of damage is refused.
/// A CRC catches every one-bit error in the bytes it covers, so a flip in the signature, the addresses,
/// the ports, a TLV value or the checksum itself can never pass. The framing bytes are different: a flip
/// in the command, family, length or a TLV's type or length can move or remove the CRC32C TLV, and a
/// receiver cannot verify a checksum it no longer sees (the spec checks the CRC only "when present").
/// </summary>
public sealed class ChecksumProperties
{
    private const int SignatureLength = 12;

    [Property(MaxTest = 100, Arbitrary = new[] { typeof(HeaderGenerators) })]
    public void A_bit_flip_in_the_contents_of_a_checksummed_header_is_always_refused(ChecksummedHeader checksummed)
    {
        byte[] bytes = checksummed.Bytes;
        HashSet<int> framing = [.. checksummed.Source.V2FramingOffsets()];
        for (int offset = 0; offset < bytes.Length; offset++)
        {
            if (framing.Contains(offset))
            {
                continue;
            }

            for (int bit = 0; bit < 8; bit++)
            {
                var result = ParseWithBitFlipped(bytes, offset, bit);
                bool refused = offset < SignatureLength
                    ? result.Status == ProxyParseStatus.NotProxy
                    : result.Status == ProxyParseStatus.Invalid && result.Error == ProxyHeaderError.V2ChecksumMismatch;
                if (!refused)
                {
                    Assert.Fail($"flipping bit {bit} of byte {offset} gave {result.Status} ({result.Error})");
                }
            }
        }
    }

    [Property(MaxTest = 500, Arbitrary = new[] { typeof(HeaderGenerators) })]
    public void A_bit_flip_in_the_framing_of_a_checksummed_header_is_accepted_only_when_no_checksum_is_left_to_verify(ChecksummedHeader checksummed)
    {
        byte[] bytes = checksummed.Bytes;
        foreach (int offset in checksummed.Source.V2FramingOffsets())
        {
            for (int bit = 0; bit < 8; bit++)
            {
                // Incomplete is fine: a larger length waits for bytes that never come.
                var result = ParseWithBitFlipped(bytes, offset, bit);
                if (result.StillCarriesChecksum)
                {
                    Assert.Fail($"flipping bit {bit} of byte {offset} was accepted with a CRC32C TLV in the header: {result.Header}");
                }
            }
        }
    }

    /// <summary>Parses <paramref name="bytes"/> with one bit flipped, then flips it back; reads what is needed before the bytes change again.</summary>
    private static (ProxyParseStatus Status, ProxyHeaderError Error, bool StillCarriesChecksum, string Header) ParseWithBitFlipped(byte[] bytes, int offset, int bit)
    {
        bytes[offset] ^= (byte)(1 << bit);
        try
        {
            ProxyParseResult result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(bytes), ProxyHeaderParserOptions.Default);
            bool complete = result.Status == ProxyParseStatus.Complete;
            return (
                result.Status,
                result.Error,
                complete && result.Header.TryGetTlv(ProxyTlvType.Crc32C, out _),
                complete ? result.Header.ToString() : string.Empty);
        }
        finally
        {
            bytes[offset] ^= (byte)(1 << bit);
        }
    }
}
