using Xunit;

namespace TcpLb.Tests.EndToEnd;

/// <summary>The bound every end-to-end await runs under: the test's own token, cancelled after 30 s at the latest.</summary>
internal static class TestDeadline
{
    public static CancellationTokenSource Start()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        return deadline;
    }
}
