using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;
using TcpLb.Tlvs;

namespace TcpLb.Diagnostics;

/// <summary>
/// One access-log line: the fields of a closed connection. The access log's own writer puts it straight into its
/// UTF-8 batch (<see cref="TryWriteUtf8"/>); any other logger gets the same text (<see cref="ToString"/>) or the named
/// values (the list: JSON lines, log processors). Per connection this formats nothing into strings, where a logger
/// message built the line as a string, and the client and id as strings of their own, before encoding it.
/// </summary>
internal readonly struct AccessLine : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The line's template, as a logger message would carry it.</summary>
    public const string Template = "client={Client} listener={Listener} pool={Pool} backend={Backend} id={Id} bytes_up={BytesUp} bytes_down={BytesDown} duration_ms={DurationMs} termination={Termination} reason={Reason}";

    private readonly IPEndPoint _client;
    private readonly string _listener;
    private readonly string _pool;
    private readonly string _backend;
    private readonly ConnectionId _id;
    private readonly long _bytesUp;
    private readonly long _bytesDown;
    private readonly long _durationMs;
    private readonly string _termination;
    private readonly string _reason;

    public AccessLine(IPEndPoint client, string listener, string pool, string backend, ConnectionId id, long bytesUp, long bytesDown, long durationMs, string termination, string reason)
    {
        _client = client;
        _listener = listener;
        _pool = pool;
        _backend = backend;
        _id = id;
        _bytesUp = bytesUp;
        _bytesDown = bytesDown;
        _durationMs = durationMs;
        _termination = termination;
        _reason = reason;
    }

    public int Count => 11;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Client", _client.ToString()),
        1 => new("Listener", _listener),
        2 => new("Pool", _pool),
        3 => new("Backend", _backend),
        4 => new("Id", _id.ToString()),
        5 => new("BytesUp", _bytesUp),
        6 => new("BytesDown", _bytesDown),
        7 => new("DurationMs", _durationMs),
        8 => new("Termination", _termination),
        9 => new("Reason", _reason),
        10 => new("{OriginalFormat}", Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Writes the line's text in UTF-8; false when <paramref name="destination"/> is too small.</summary>
    public bool TryWriteUtf8(Span<byte> destination, out int written)
    {
        // IPEndPoint's own text: [address]:port for IPv6, address:port for IPv4.
        bool v6 = _client.AddressFamily == AddressFamily.InterNetworkV6;
        return Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
            $"client={(v6 ? "[" : "")}{_client.Address}{(v6 ? "]" : "")}:{_client.Port} listener={_listener} pool={_pool} backend={_backend} id={_id} bytes_up={_bytesUp} bytes_down={_bytesDown} duration_ms={_durationMs} termination={_termination} reason={_reason}",
            out written);
    }

    /// <summary>The line's text, exactly as <see cref="TryWriteUtf8"/> writes it.</summary>
    public override string ToString()
    {
        byte[] buffer = new byte[256];
        int written;
        while (!TryWriteUtf8(buffer, out written))
        {
            buffer = new byte[buffer.Length * 2];
        }

        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
