namespace TcpLb.ProxyProtocol;

/// <summary>
/// The outcome of <see cref="ProxyHeaderParser.Parse(in System.Buffers.ReadOnlySequence{byte}, ProxyHeaderParserOptions)"/>. Hand <see cref="Consumed"/> and <see cref="Examined"/>
/// to <c>PipeReader.AdvanceTo</c>: on Incomplete nothing is consumed and everything was examined, so
/// the pipe waits for more; on Complete exactly the header is consumed and the payload stays.
/// </summary>
public readonly struct ProxyParseResult
{
    internal ProxyParseResult(ProxyParseStatus status, ProxyHeader header, ProxyHeaderError error, SequencePosition consumed, SequencePosition examined, long bytesConsumed)
    {
        Status = status;
        Header = header;
        Error = error;
        Consumed = consumed;
        Examined = examined;
        BytesConsumed = bytesConsumed;
    }

    /// <summary>Incomplete, Complete, NotProxy or Invalid.</summary>
    public ProxyParseStatus Status { get; }

    /// <summary>The header, when <see cref="Status"/> is Complete.</summary>
    public ProxyHeader Header { get; }

    /// <summary>Why the header was refused, when <see cref="Status"/> is Invalid.</summary>
    public ProxyHeaderError Error { get; }

    /// <summary>The end of the header (Complete), else the start of the input.</summary>
    public SequencePosition Consumed { get; }

    /// <summary>How far the parser looked: the end of the input when Incomplete.</summary>
    public SequencePosition Examined { get; }

    /// <summary>The header's length in bytes when Complete, else 0.</summary>
    public long BytesConsumed { get; }
}
