using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>Log assertions that print every line when they fail.</summary>
internal static class FakeLogRecordAssert
{
    /// <summary>Exactly one line, with event <paramref name="eventName"/> and <paramref name="fragment"/> in its message.</summary>
    public static FakeLogRecord One(IReadOnlyList<FakeLogRecord> lines, string eventName, string fragment)
    {
        Assert.True(
            lines.Count == 1 && lines[0].Id.Name == eventName && lines[0].Message.Contains(fragment, StringComparison.Ordinal),
            $"expected one {eventName} line with '{fragment}', got:\n{string.Join("\n", lines.Select(line => $"{line.Id.Name}: {line.Message}"))}");
        return lines[0];
    }
}
