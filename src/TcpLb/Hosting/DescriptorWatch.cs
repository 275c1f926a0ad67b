using Microsoft.Extensions.Logging;
using TcpLb.Forwarding;

namespace TcpLb.Hosting;

/// <summary>
/// Keeps the process's connection budget within the descriptors really left. The budget is first computed when
/// the server is built, from what is open then; what opens later (the admin endpoint and the assemblies it loads,
/// health checks, the runtime's own) is not in it, and at a low <c>ulimit -n</c> accept then failed with EMFILE
/// and the runtime, unable to start a thread, aborted ("Out of memory."). Every <see cref="Interval"/> this counts
/// the open descriptors, takes away those of the connections, and lets the budget hold only as many connections as
/// the rest leaves room for, keeping <see cref="DescriptorBudget.Reserve"/> back. New clients wait in the backlog.
/// </summary>
internal sealed partial class DescriptorWatch : PeriodicLook
{
    /// <summary>How often the descriptors are counted (one read of /proc/self/fd).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConnectionBudget _budget;
    private readonly long _limit;
    private readonly ILogger _logger;
    private readonly Func<int> _countOpen;
    private int _allowed;

    /// <param name="budget">The process's budget (two descriptors per connection).</param>
    /// <param name="limit">The soft RLIMIT_NOFILE.</param>
    /// <param name="countOpen">Descriptors open now (tests substitute it); null reads /proc/self/fd.</param>
    public DescriptorWatch(ConnectionBudget budget, long limit, TimeProvider time, ILogger logger, Func<int>? countOpen = null)
        : base(Interval, time)
    {
        _budget = budget;
        _limit = limit;
        _logger = logger;
        _countOpen = countOpen ?? DescriptorBudget.CountOpen;
        _allowed = budget.Max;
    }

    /// <summary>Counts the descriptors and sets the budget's limit from them; a change is logged.</summary>
    public override void Look() => Look(report: true);

    // Before the listeners accept: their first connections are within it. The first figure is the start's, not a change.
    protected override void Starting() => Look(report: false);

    private void Look(bool report)
    {
        int open = _countOpen();
        if (open <= 0)
        {
            return; // cannot be read here
        }

        long others = Math.Max(0, open - (2L * _budget.InUse));
        int allowed = (int)Math.Clamp((_limit - others - DescriptorBudget.Reserve) / 2, 1, _budget.Max);
        _budget.Limit(allowed);
        if (allowed != _allowed)
        {
            if (report)
            {
                Adjusted(_logger, allowed, others, _limit);
            }

            _allowed = allowed;
        }
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Connection budget now {Allowed}: {Others} descriptors are held by other than connections, of a limit of {Limit}")]
    private static partial void Adjusted(ILogger logger, int allowed, long others, long limit);
}
