namespace TcpLb.Inspection;

/// <summary>
/// The protocols a ClientHello offers in its ALPN extension (RFC 7301 3.1), in the client's order of
/// preference, without the GREASE names (RFC 8701 2) a client mixes in to keep servers tolerant. A view of
/// the bytes received, validated by the reader: each name is 1..255 bytes.
/// </summary>
internal readonly struct AlpnProtocolList
{
    /// <summary>An ALPN name is at most 255 bytes (its length is one byte).</summary>
    public const int MaxNameLength = byte.MaxValue;

    private readonly InspectedBytes _names;

    /// <summary>The list's content: one length byte, then that many bytes, repeated.</summary>
    internal AlpnProtocolList(InspectedBytes names) => _names = names;

    /// <summary>True when the hello offers no protocol (no ALPN extension, or only GREASE names).</summary>
    public bool IsEmpty => !GetEnumerator().MoveNext();

    /// <summary>The client's first choice, which is what the ALPN TLV carries (TLS is not terminated, so no protocol was agreed yet).</summary>
    public InspectedBytes First
    {
        get
        {
            Enumerator names = GetEnumerator();
            return names.MoveNext() ? names.Current : default;
        }
    }

    /// <summary>True when one of the offered names equals <paramref name="protocol"/> byte for byte (ALPN names are case-sensitive).</summary>
    public bool Contains(ReadOnlySpan<byte> protocol)
    {
        Span<byte> name = stackalloc byte[MaxNameLength];
        foreach (InspectedBytes offered in this)
        {
            if (offered.Length == protocol.Length && offered.TryCopyTo(name) && name[..offered.Length].SequenceEqual(protocol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Walks the names without allocating.</summary>
    public Enumerator GetEnumerator() => new(_names);

    /// <summary>The names in order, GREASE skipped.</summary>
    internal struct Enumerator
    {
        private readonly InspectedBytes _names;
        private int _offset;

        public Enumerator(InspectedBytes names)
        {
            _names = names;
            _offset = 0;
            Current = default;
        }

        public InspectedBytes Current { get; private set; }

        public bool MoveNext()
        {
            while (_offset < _names.Length)
            {
                int length = _names[_offset];
                InspectedBytes name = _names.Slice(_offset + 1, length);
                _offset += 1 + length;
                if (!IsGrease(name))
                {
                    Current = name;
                    return true;
                }
            }

            Current = default;
            return false;
        }

        // RFC 8701 2: the reserved ALPN names are two equal bytes 0x?A.
        private static bool IsGrease(in InspectedBytes name) =>
            name.Length == 2 && name[0] == name[1] && Tls.IsGrease(name[0]);
    }
}
