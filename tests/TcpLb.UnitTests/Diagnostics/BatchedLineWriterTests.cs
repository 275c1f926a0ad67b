using System.Text;
using Microsoft.Extensions.Time.Testing;
using TcpLb.Diagnostics;
using TcpLb.Testing;
using Xunit;

namespace TcpLb.UnitTests.Diagnostics;

/// <summary>
/// The access log's writer: lines wait for the next interval and leave in one write, nothing queued is lost
/// when it is disposed, and a stuck output costs bounded memory and a count of what was dropped.
/// </summary>
public sealed class BatchedLineWriterTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingStream _output = new();

    [Fact]
    public async Task Lines_gathered_in_one_interval_leave_in_one_write()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        using var writer = new BatchedLineWriter(_output, s_interval, _time);
        writer.WriteLine("one"u8);
        writer.WriteLine("two"u8);
        writer.WriteLine("three"u8);
        Assert.Empty(_output.Writes);

        _time.Advance(s_interval);
        string batch = await _output.NextWriteAsync(deadline.Token);

        Assert.Equal("one\ntwo\nthree\n", batch);
        Assert.Single(_output.Writes);
    }

    [Fact]
    public void Disposing_writes_what_is_still_queued()
    {
        var writer = new BatchedLineWriter(_output, s_interval, _time);
        writer.WriteLine("last words"u8);

        writer.Dispose();

        Assert.Equal(["last words\n"], _output.Writes);
    }

    [Fact]
    public void Past_the_memory_bound_lines_are_dropped_and_their_count_is_written()
    {
        var writer = new BatchedLineWriter(_output, s_interval, _time, maxPendingBytes: 10);
        writer.WriteLine("12345678"u8); // 9 bytes with its newline: fits
        writer.WriteLine("abc"u8);      // would pass 10: dropped
        writer.WriteLine("def"u8);      // dropped

        Assert.Equal(2, writer.Dropped);
        writer.Dispose();

        Assert.Equal(["12345678\ntcplb: 2 log lines dropped: the output did not keep up\n"], _output.Writes); // the note follows the lines kept, as the drops did
    }

    /// <summary>Records each write as one string and lets a test wait for the next one.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        private readonly SemaphoreSlim _written = new(0);
        private readonly List<string> _writes = [];

        public IReadOnlyList<string> Writes
        {
            get
            {
                lock (_writes)
                {
                    return [.. _writes];
                }
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_writes)
            {
                _writes.Add(Encoding.UTF8.GetString(buffer));
            }

            _written.Release();
        }

        public async Task<string> NextWriteAsync(CancellationToken cancellationToken)
        {
            await _written.WaitAsync(cancellationToken);
            lock (_writes)
            {
                return _writes[^1];
            }
        }

        protected override void Dispose(bool disposing)
        {
            _written.Dispose();
            base.Dispose(disposing);
        }
    }
}
