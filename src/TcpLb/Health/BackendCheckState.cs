using TcpLb.Model;

namespace TcpLb.Health;

/// <summary>
/// The active checker's per-backend state: the rise/fall counters and the backend's check loop. The counters are
/// touched only by that loop, one check at a time, so they need no lock.
/// </summary>
internal sealed class BackendCheckState
{
    private volatile bool _removed;

    public BackendCheckState(BackendState backend) => Backend = backend;

    public BackendState Backend { get; }

    /// <summary>Checks passed since the last failure.</summary>
    public int ConsecutiveSuccesses { get; set; }

    /// <summary>Checks failed since the last pass.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>The backend left the pool: its loop ends at its next wake-up without checking again.</summary>
    public bool IsRemoved => _removed;

    /// <summary>The loop checking this backend; completes after removal or stop, never faults.</summary>
    public Task Loop { get; set; } = Task.CompletedTask;

    public void MarkRemoved() => _removed = true;
}
