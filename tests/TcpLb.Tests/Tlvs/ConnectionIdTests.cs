using System.Text;
using TcpLb.Tlvs;
using Xunit;

namespace TcpLb.Tests.Tlvs;

/// <summary>The connection id: one text form for the wire and the log, unique within a process and, by its random prefix, across processes.</summary>
public sealed class ConnectionIdTests
{
    [Fact]
    public void The_text_form_is_the_prefix_and_the_sequence_in_fixed_width_hex()
    {
        var id = new ConnectionId(0x3F9A0C2E71D4B855, 42);

        Assert.Equal("3f9a0c2e71d4b855-000000000000002a", id.ToString());
        Assert.Equal(ConnectionId.TextLength, id.ToString().Length);
    }

    [Fact]
    public void The_UTF8_form_is_the_same_text_without_allocating()
    {
        var id = new ConnectionId(ulong.MaxValue, 1);
        byte[] utf8 = new byte[ConnectionId.TextLength];

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool written = id.TryFormat(utf8, out int length);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(written);
        Assert.Equal(0, allocated);
        Assert.Equal(id.ToString(), Encoding.ASCII.GetString(utf8, 0, length));
        Assert.False(id.TryFormat(new byte[ConnectionId.TextLength - 1], out _));
        Assert.False(id.TryFormat(new char[ConnectionId.TextLength - 1], out _));
    }

    [Fact]
    public void A_generator_counts_from_one_under_one_prefix_from_any_thread()
    {
        var generator = new ConnectionIdGenerator(7);
        var ids = new System.Collections.Concurrent.ConcurrentBag<ConnectionId>();

        Parallel.For(0, 1000, _ => ids.Add(generator.Next()));

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7UL, id.Process));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (ulong)i), ids.Select(id => id.Sequence).Order());
    }

    [Fact]
    public void Two_processes_draw_different_prefixes()
    {
        ConnectionId first = ConnectionIdGenerator.CreateRandom().Next();
        ConnectionId second = ConnectionIdGenerator.CreateRandom().Next();

        Assert.Equal(first.Sequence, second.Sequence);
        Assert.NotEqual(first, second); // 2^-64 to collide
        Assert.NotEqual(0UL, first.Process);
    }
}
