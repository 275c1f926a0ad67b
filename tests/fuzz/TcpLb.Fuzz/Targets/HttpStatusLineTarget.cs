using TcpLb.Health;

namespace TcpLb.Fuzz.Targets;

/// <summary>
/// The status line of an HTTP health probe's answer (<see cref="HttpStatusLine"/>): a backend, or anything that took
/// its address, writes it. Never throws; a line it accepts starts <c>HTTP/d.d ddd</c> and gives those three digits,
/// with or without a trailing CR; a line it refuses gives status 0.
/// </summary>
internal sealed class HttpStatusLineTarget : IFuzzTarget
{
    public string Name => "http-status-line";

    public string Assembly => "tcplb.dll";

    public IReadOnlyList<string> Prefixes => ["TcpLb.Health.HttpStatusLine"];

    public void Run(ReadOnlySpan<byte> input)
    {
        bool accepted = HttpStatusLine.TryParse(input, out int status);
        if (!accepted)
        {
            InvariantException.Check(status == 0, $"refused, yet status {status}");
            return;
        }

        InvariantException.Check(input.StartsWith("HTTP/"u8) && input.Length >= 12, "accepted a line that is not HTTP/d.d ddd");
        int digits = ((input[9] - '0') * 100) + ((input[10] - '0') * 10) + (input[11] - '0');
        InvariantException.Check(status == digits && status is >= 0 and <= 999, $"status {status} is not the line's three digits {digits}");

        // A CR before the LF is not part of the line: with one more, the answer is the same.
        if (input[^1] != (byte)'\r')
        {
            byte[] withCr = [.. input, (byte)'\r'];
            InvariantException.Check(HttpStatusLine.TryParse(withCr, out int again) && again == status, "a trailing CR changed the answer");
        }
    }
}
