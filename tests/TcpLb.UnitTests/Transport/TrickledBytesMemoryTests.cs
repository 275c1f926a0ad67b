using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using TcpLb.Forwarding;
using TcpLb.ProxyProtocol;
using TcpLb.Testing;
using TcpLb.Transport;
using Xunit;

namespace TcpLb.UnitTests.Transport;

/// <summary>
/// A peer that sends one byte per packet must not make TcpLb hold a buffer per byte: what a connection holds while
/// bytes wait (a PROXY header being read, first bytes before the dial, a backend that does not read) is bounded by
/// the bytes the peer sent plus one buffer, whatever the read pattern. Real sockets, one byte per read: each byte
/// is sent only after the pump received the one before.
/// </summary>
public sealed class TrickledBytesMemoryTests
{
    private const int OneBuffer = SocketPipeOptions.MinimumSegmentSize;

    [Fact]
    public async Task A_PROXY_header_sent_a_byte_at_a_time_holds_its_bytes_plus_one_buffer()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        var options = new ProxyHeaderParserOptions { MaxV2Length = 4096 };
        byte[] header = LargeV2Header(tlvBytes: 4000);
        await using var rig = await TrickleRig.StartAsync(deadline.Token);

        Task<(ProxyParseStatus Status, ProxyHeader Header, ProxyHeaderError Error)> reading =
            UpstreamHeaderReader.ReadAsync(rig.Pipe.Reader, options, keepTlvs: false, deadline.Token);
        await rig.TrickleAsync(header, deadline.Token);

        var (status, _, _) = await reading.WaitAsync(deadline.Token);
        Assert.Equal(ProxyParseStatus.Complete, status);
        Assert.True(
            rig.Pool.PeakBytes <= header.Length + OneBuffer,
            $"held {rig.Pool.PeakBytes} bytes of buffers for a {header.Length}-byte header sent a byte at a time");
    }

    [Fact]
    public async Task Bytes_nobody_reads_yet_held_a_byte_at_a_time_cost_their_bytes_plus_one_buffer()
    {
        // The same shape as first bytes waiting for the dial, or a backend that stopped reading: the reader looks, consumes nothing.
        using CancellationTokenSource deadline = TestDeadline.Start(TimeSpan.FromSeconds(60));
        await using var rig = await TrickleRig.StartAsync(deadline.Token);
        Task looking = LookWithoutConsumingAsync(rig.Pipe.Reader, deadline.Token);

        byte[] bytes = new byte[20_000];
        Random.Shared.NextBytes(bytes);
        await rig.TrickleAsync(bytes, deadline.Token);

        Assert.True(
            rig.Pool.PeakBytes <= bytes.Length + OneBuffer,
            $"held {rig.Pool.PeakBytes} bytes of buffers for {bytes.Length} bytes sent a byte at a time");
        rig.Pipe.Reader.CancelPendingRead();
        await looking.WaitAsync(deadline.Token);
    }

    private static async Task LookWithoutConsumingAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken);
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            if (read.IsCanceled || read.IsCompleted)
            {
                return;
            }
        }
    }

    // A v2 PROXY header for 192.0.2.1:1234 -> 198.51.100.1:80 padded with one NOOP TLV (rule 15) of tlvBytes in all.
    private static byte[] LargeV2Header(int tlvBytes)
    {
        byte[] noop = new byte[tlvBytes];
        noop[0] = 0x04; // NOOP
        noop[1] = (byte)((tlvBytes - 3) >> 8);
        noop[2] = (byte)(tlvBytes - 3);
        ProxyHeader header = ProxyHeader.ForTcp(
            new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1234), new IPEndPoint(IPAddress.Parse("198.51.100.1"), 80), new ReadOnlySequence<byte>(noop));
        byte[] buffer = new byte[ProxyHeaderWriter.GetLength(header, ProxyVersion.V2)];
        ProxyHeaderWriter.Write(buffer, header, ProxyVersion.V2);
        return buffer;
    }

    /// <summary>A loopback connection whose accepted side is pumped by <see cref="SocketPump"/> into a pipe over a counting pool.</summary>
    private sealed class TrickleRig : IAsyncDisposable
    {
        private readonly Socket _sender;
        private readonly Socket _received;
        private readonly TrafficMeter _meter;
        private readonly Task _pump;

        private TrickleRig(Socket sender, Socket received)
        {
            _sender = sender;
            _received = received;
            Pipe = new Pipe(SocketPipeOptions.Create(Pool));
            _meter = new TrafficMeter(TimeProvider.System);
            _pump = SocketPump.ReceiveAsync(received, Pipe.Writer, _meter);
        }

        public CountingMemoryPool Pool { get; } = new();

        public Pipe Pipe { get; }

        public static async Task<TrickleRig> StartAsync(CancellationToken cancellationToken)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            Socket sender = await Net.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, cancellationToken);
            Socket received = await listener.AcceptAsync(cancellationToken);
            return new TrickleRig(sender, received);
        }

        /// <summary>Sends one byte, waits until the pump has taken it in, and so on: one receive per byte.</summary>
        public async Task TrickleAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                await _sender.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None, cancellationToken);
                while (_meter.Bytes <= i)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _sender.Dispose();
            await _pump;
            _received.Dispose();
            await Pipe.Reader.CompleteAsync();
        }
    }

    /// <summary>Rents from the shared pool and keeps the most bytes outstanding at any one time.</summary>
    internal sealed class CountingMemoryPool : MemoryPool<byte>
    {
        private long _outstanding;
        private long _peak;

        public long PeakBytes => Interlocked.Read(ref _peak);

        public override int MaxBufferSize => int.MaxValue;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            var owner = new CountedOwner(this, ArrayPool<byte>.Shared.Rent(Math.Max(minBufferSize, 1)));
            long now = Interlocked.Add(ref _outstanding, owner.Memory.Length);
            long peak;
            while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }

            return owner;
        }

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class CountedOwner(CountingMemoryPool pool, byte[] array) : IMemoryOwner<byte>
        {
            private byte[]? _array = array;

            public Memory<byte> Memory => _array;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _array, null) is { } array)
                {
                    Interlocked.Add(ref pool._outstanding, -array.Length);
                    ArrayPool<byte>.Shared.Return(array);
                }
            }
        }
    }
}
