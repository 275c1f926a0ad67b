namespace TcpLb.ProxyProtocol;

/// <summary>Sentences for <see cref="ProxyHeaderError"/>, ready for a log line.</summary>
public static class ProxyHeaderErrorExtensions
{
    /// <summary>What was wrong, in one sentence naming the spec rule.</summary>
    public static string Describe(this ProxyHeaderError error) => error switch
    {
        ProxyHeaderError.None => "no error",
        ProxyHeaderError.V1NotAccepted => "PROXY v1 header received, but only v2 is accepted",
        ProxyHeaderError.V2NotAccepted => "PROXY v2 header received, but only v1 is accepted",
        ProxyHeaderError.V1LineTooLong => "PROXY v1 header has no CRLF within 107 bytes (rule 5)",
        ProxyHeaderError.V1BadLineEnding => "PROXY v1 header ends in LF without CR (rule 1)",
        ProxyHeaderError.V1BadFamily => "PROXY v1 header family is not TCP4, TCP6 or UNKNOWN (rule 1)",
        ProxyHeaderError.V1BadFields => "PROXY v1 header does not have exactly four fields separated by single spaces (rule 1)",
        ProxyHeaderError.V1BadSourceAddress => "PROXY v1 header source address is not a valid address of its family (rule 2)",
        ProxyHeaderError.V1BadDestinationAddress => "PROXY v1 header destination address is not a valid address of its family (rule 2)",
        ProxyHeaderError.V1BadSourcePort => "PROXY v1 header source port is not a decimal integer 0..65535 (rule 3)",
        ProxyHeaderError.V1BadDestinationPort => "PROXY v1 header destination port is not a decimal integer 0..65535 (rule 3)",
        ProxyHeaderError.V2BadVersion => "PROXY v2 header version is not 2 (rule 7)",
        ProxyHeaderError.V2BadCommand => "PROXY v2 header command is neither LOCAL nor PROXY (rule 7)",
        ProxyHeaderError.V2BadFamilyOrTransport => "PROXY v2 header family/transport byte is not a defined combination (rule 8)",
        ProxyHeaderError.V2LengthTooLarge => "PROXY v2 header length exceeds the configured maximum (rule 21)",
        ProxyHeaderError.V2AddressBlockTooShort => "PROXY v2 header length is shorter than its address block (rule 9)",
        ProxyHeaderError.V2TlvOverrun => "PROXY v2 header TLV runs past the end of the header (rule 13)",
        ProxyHeaderError.V2ChecksumMalformed => "PROXY v2 header CRC32C TLV is not 4 bytes long (rule 15)",
        ProxyHeaderError.V2ChecksumMismatch => "PROXY v2 header CRC32C does not match (rule 16)",
        _ => "unknown PROXY header error",
    };
}
