using Xunit;

namespace TcpLb.Testing;

/// <summary>The bound every await of a test runs under: the test's own token, cancelled after <c>limit</c> at the latest.</summary>
internal static class TestDeadline
{
    public static CancellationTokenSource Start(TimeSpan? limit = null)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(limit ?? TimeSpan.FromSeconds(30));
        return deadline;
    }
}
