using System.Text;
using TcpLb.Health;
using Xunit;

namespace TcpLb.UnitTests.Health;

/// <summary>The status line reader: strict on version and code, lenient on the reason.</summary>
public sealed class HttpStatusLineTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r", 200)]
    [InlineData("HTTP/1.0 503 Service Unavailable\r", 503)]
    [InlineData("HTTP/1.1 204 \r", 204)]
    [InlineData("HTTP/1.1 301", 301)] // no reason, no CR: still a status
    [InlineData("HTTP/2.0 404 Not Found", 404)]
    public void A_status_line_gives_its_code(string line, int expected)
    {
        Assert.True(HttpStatusLine.TryParse(Encoding.ASCII.GetBytes(line), out int status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r")]
    [InlineData("HTTP/1.1 20\r")]
    [InlineData("HTTP/1.1 2000 OK\r")]
    [InlineData("HTTP/1.1  200 OK\r")]
    [InlineData("HTTP/1.1 2x0 OK\r")]
    [InlineData("http/1.1 200 OK\r")]
    [InlineData("HTTP/11 200 OK\r")]
    [InlineData("PROXY UNKNOWN\r")]
    public void Anything_else_is_not_a_status_line(string line)
    {
        Assert.False(HttpStatusLine.TryParse(Encoding.ASCII.GetBytes(line), out _));
    }
}
