using TcpLb.Transport;
using Xunit;

namespace TcpLb.UnitTests.Transport;

/// <summary>
/// The balancer turns inline socket completions on unless the operator chose. (Setting the variable here has no
/// effect on this test process's sockets: the runtime read it when its socket engine started.)
/// </summary>
public sealed class SocketCompletionsTests
{
    [Fact]
    public void Inline_unless_the_variable_is_already_set()
    {
        string? original = Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable);
        try
        {
            // One test for both cases: they share a process-wide variable, and test classes run in parallel.
            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, null);
            SocketCompletions.PreferInline();
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));

            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, "0");
            SocketCompletions.PreferInline();
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, original);
        }
    }
}
