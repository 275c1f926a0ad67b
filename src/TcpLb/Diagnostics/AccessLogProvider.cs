using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;

namespace TcpLb.Diagnostics;

/// <summary>
/// Writes the access log (<see cref="AccessLog.Category"/>) to standard output through a
/// <see cref="BatchedLineWriter"/>, in the console's own line formats (plain or JSON), so a reader sees one
/// log either way; the console logger is told to skip that category. Other categories get no logger here.
/// </summary>
internal sealed class AccessLogProvider : ILoggerProvider
{
    private readonly BatchedLineWriter _writer;
    private readonly LogFormat _format;
    private readonly TimeProvider _time;

    /// <param name="time">The clock the lines' timestamps read (local time for plain lines, UTC for JSON).</param>
    public AccessLogProvider(BatchedLineWriter writer, LogFormat format, TimeProvider time)
    {
        _writer = writer;
        _format = format;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) =>
        categoryName == AccessLog.Category ? new AccessLogger(_writer, _format, _time) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Writes what is still queued (the host disposes its logger providers last, when it stops).</summary>
    public void Dispose() => _writer.Dispose();

    private sealed class AccessLogger(BatchedLineWriter writer, LogFormat format, TimeProvider time) : ILogger
    {
        // No line is longer (one would take the batch's whole budget): a longer one is not written.
        private const int MaxLineBytes = 64 * 1024;

        [ThreadStatic]
        private static ArrayBufferWriter<byte>? s_line;

        [ThreadStatic]
        private static Utf8JsonWriter? s_json;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            ArrayBufferWriter<byte> line = s_line ??= new ArrayBufferWriter<byte>(512);
            line.ResetWrittenCount();
            if (format == LogFormat.Json)
            {
                WriteJson(line, time.GetUtcNow(), logLevel, eventId, state, formatter(state, exception));
            }
            else if (state is AccessLine access)
            {
                WritePlain(line, time.GetLocalNow(), logLevel, eventId, new FieldsText(access)); // the line's fields straight into UTF-8
            }
            else
            {
                WritePlain(line, time.GetLocalNow(), logLevel, eventId, new MessageText(formatter(state, exception)));
            }

            if (line.WrittenCount > 0)
            {
                writer.WriteLine(line.WrittenSpan);
            }
        }

        // As the simple console formatter writes a single line: "2026-11-25T16:20:03.454 info: TcpLb.Access[110] client=...".
        private static void WritePlain<TMessage>(ArrayBufferWriter<byte> line, DateTimeOffset now, LogLevel level, EventId eventId, TMessage message)
            where TMessage : IUtf8Message
        {
            // A line longer than the first guess (long pool or backend names) gets a larger span, up to a bound.
            for (int size = 512; size <= MaxLineBytes; size *= 2)
            {
                Span<byte> target = line.GetSpan(size)[..size]; // the writer may give more: the bound is this size
                LogTimestamps.WritePlain(now.DateTime, target);
                int prefix = LogTimestamps.PlainLength;
                if (Utf8.TryWrite(target[prefix..], CultureInfo.InvariantCulture, $" {ShortName(level)}: {AccessLog.Category}[{eventId.Id}] ", out int written)
                    && message.TryWriteUtf8(target[(prefix + written)..], out int body))
                {
                    line.Advance(prefix + written + body);
                    return;
                }
            }
        }

        // As the JSON console formatter writes an entry: the message, and the state's named values under "State".
        private static void WriteJson<TState>(ArrayBufferWriter<byte> line, DateTimeOffset now, LogLevel level, EventId eventId, TState state, string message)
        {
            Utf8JsonWriter json = s_json ??= new Utf8JsonWriter(line);
            json.Reset(line);
            json.WriteStartObject();
            json.WriteString("Timestamp", now.ToString(LogTimestamps.Json, CultureInfo.InvariantCulture));
            json.WriteNumber("EventId", eventId.Id);
            json.WriteString("LogLevel", level.ToString());
            json.WriteString("Category", AccessLog.Category);
            json.WriteString("Message", message);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                json.WriteStartObject("State");
                json.WriteString("Message", message);
                foreach ((string key, object? value) in values)
                {
                    switch (value)
                    {
                        case long number:
                            json.WriteNumber(key, number);
                            break;
                        case int number:
                            json.WriteNumber(key, number);
                            break;
                        default:
                            json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.Flush();
        }

        private static string ShortName(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }

    /// <summary>What a plain line carries after its prefix, written in UTF-8.</summary>
    private interface IUtf8Message
    {
        bool TryWriteUtf8(Span<byte> destination, out int written);
    }

    private readonly struct FieldsText(AccessLine line) : IUtf8Message
    {
        public bool TryWriteUtf8(Span<byte> destination, out int written) => line.TryWriteUtf8(destination, out written);
    }

    // Another logger message's text (the access log category carries only access lines, but any state is written).
    private readonly struct MessageText(string text) : IUtf8Message
    {
        public bool TryWriteUtf8(Span<byte> destination, out int written) => Utf8.FromUtf16(text, destination, out _, out written) == System.Buffers.OperationStatus.Done;
    }
}
