namespace TcpLb.ProxyProtocol;

/// <summary>Why a header was refused: one value per way of breaking the spec, each with a sentence for logs.</summary>
public enum ProxyHeaderError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A v1 header arrived where only v2 is accepted.</summary>
    V1NotAccepted,

    /// <summary>A v2 header arrived where only v1 is accepted.</summary>
    V2NotAccepted,

    /// <summary>Rule 5: no CRLF within the first 107 bytes.</summary>
    V1LineTooLong,

    /// <summary>Rule 1: the line ends in LF without the CR before it.</summary>
    V1BadLineEnding,

    /// <summary>Rule 1: the family is not TCP4, TCP6 or UNKNOWN.</summary>
    V1BadFamily,

    /// <summary>Rule 1: not exactly four fields after the family, or not exactly one space between them.</summary>
    V1BadFields,

    /// <summary>Rule 2: the source address is not an address of the declared family in its usual text form.</summary>
    V1BadSourceAddress,

    /// <summary>Rule 2: the destination address is not an address of the declared family in its usual text form.</summary>
    V1BadDestinationAddress,

    /// <summary>Rule 3: the source port is not a decimal integer 0..65535.</summary>
    V1BadSourcePort,

    /// <summary>Rule 3: the destination port is not a decimal integer 0..65535.</summary>
    V1BadDestinationPort,

    /// <summary>Rule 7: the version nibble is not 2.</summary>
    V2BadVersion,

    /// <summary>Rule 7: the command nibble is neither LOCAL (0) nor PROXY (1).</summary>
    V2BadCommand,

    /// <summary>Rule 8: the family/transport byte is not one of the defined combinations.</summary>
    V2BadFamilyOrTransport,

    /// <summary>Rule 21: the declared length exceeds the receiver's cap.</summary>
    V2LengthTooLarge,

    /// <summary>Rule 9: the declared length is shorter than the family's address block.</summary>
    V2AddressBlockTooShort,

    /// <summary>Rule 13: a TLV's declared length runs past the end of the header.</summary>
    V2TlvOverrun,

    /// <summary>Rule 15: the CRC32C TLV's value is not 4 bytes long.</summary>
    V2ChecksumMalformed,

    /// <summary>Rule 16: the CRC32C TLV does not match the header.</summary>
    V2ChecksumMismatch,
}
