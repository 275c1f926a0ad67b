using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TcpLb.Tlvs;

/// <summary>
/// Hands out <see cref="ConnectionId"/>s: one interlocked increment each, no allocation. The prefix is drawn
/// once per process from the OS's random source, so ids from two runs (or two processes sharing a port)
/// differ with probability 1 - 2^-64 per pair, without a clock or a state file.
/// </summary>
internal sealed class ConnectionIdGenerator
{
    private readonly ulong _process;
    private long _sequence;

    /// <summary>A generator with a given prefix (tests; production uses <see cref="CreateRandom"/>).</summary>
    public ConnectionIdGenerator(ulong processPrefix) => _process = processPrefix;

    /// <summary>A generator whose prefix comes from <see cref="RandomNumberGenerator"/>, never 0.</summary>
    public static ConnectionIdGenerator CreateRandom()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        ulong prefix;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            prefix = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }
        while (prefix == 0);

        return new ConnectionIdGenerator(prefix);
    }

    /// <summary>The next id; safe from any thread.</summary>
    public ConnectionId Next() => new(_process, (ulong)Interlocked.Increment(ref _sequence));
}
