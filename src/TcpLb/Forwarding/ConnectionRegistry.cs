namespace TcpLb.Forwarding;

/// <summary>
/// Every open connection of the process, in one place, tagged by listener: drain waits for it to empty and resets
/// what is left, a reload's removed listener simply leaves its connections here until they end, status and metrics
/// read it. Both engines add a connection at accept and remove it as the last step of its close, so a connection
/// no longer listed is entirely done (its backend slot, admission slot and access-log line given back).
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _lock = new();
    private readonly HashSet<IOpenConnection> _open = new(ReferenceEqualityComparer.Instance);
    private TaskCompletionSource? _emptied;

    /// <summary>Connections open now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    public void Add(IOpenConnection connection)
    {
        lock (_lock)
        {
            _open.Add(connection);
        }

        connection.Listener.Opened();
    }

    public void Remove(IOpenConnection connection)
    {
        TaskCompletionSource? emptied = null;
        lock (_lock)
        {
            if (!_open.Remove(connection))
            {
                return;
            }

            if (_open.Count == 0)
            {
                emptied = _emptied;
                _emptied = null;
            }
        }

        connection.Listener.Closed();
        emptied?.TrySetResult();
    }

    /// <summary>The open connections at this moment.</summary>
    public IReadOnlyList<IOpenConnection> Snapshot()
    {
        lock (_lock)
        {
            return [.. _open];
        }
    }

    /// <summary>Completes once no connection is open (at once when none is).</summary>
    public Task WhenEmptyAsync()
    {
        lock (_lock)
        {
            if (_open.Count == 0)
            {
                return Task.CompletedTask;
            }

            _emptied ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _emptied.Task;
        }
    }

    /// <summary>Resets every open connection with <paramref name="reason"/> (the end of a drain).</summary>
    public void AbortAll(CloseReason reason)
    {
        foreach (IOpenConnection connection in Snapshot())
        {
            connection.Abort(reason);
        }
    }
}
