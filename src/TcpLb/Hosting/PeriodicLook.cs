using Microsoft.Extensions.Hosting;

namespace TcpLb.Hosting;

/// <summary>
/// A hosted service that looks at the process every <c>interval</c> on <see cref="TimeProvider"/>'s timer, so tests
/// drive it with a fake clock. What a look does is the subclass's (<see cref="MemoryTrim"/>, <see cref="DescriptorWatch"/>);
/// looks are short and synchronous, so they never overlap and stopping needs no wait.
/// </summary>
internal abstract class PeriodicLook(TimeSpan interval, TimeProvider time) : IHostedService, IDisposable
{
    private ITimer? _timer;

    /// <summary>One look (the timer's; tests call it too).</summary>
    public abstract void Look();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Starting();
        using (ExecutionContext.SuppressFlow()) // the timer must not carry the starter's context for the process's life
        {
            _timer = time.CreateTimer(static state => ((PeriodicLook)state!).Look(), this, interval, interval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs once at start, before the first interval.</summary>
    protected virtual void Starting()
    {
    }
}
