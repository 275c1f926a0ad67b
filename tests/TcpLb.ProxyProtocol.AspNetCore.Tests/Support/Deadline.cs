using Xunit;

namespace TcpLb.ProxyProtocol.AspNetCore.Tests.Support;

/// <summary>The bound of every await in a test: the test's own token, cancelled after <c>limit</c> (30 s unless told).</summary>
internal static class Deadline
{
    public static CancellationTokenSource Start(TimeSpan? limit = null)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(limit ?? TimeSpan.FromSeconds(30));
        return deadline;
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds or the token ends the wait.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }
        }
    }
}
