namespace TcpLb.Forwarding;

/// <summary>
/// Connections waiting for a backend slot when every healthy backend is at its connection limit
/// (HAProxy's <c>maxqueue</c> and <c>timeout queue</c>). First in, first out; a closing backend
/// connection wakes one waiter, which then chooses again.
/// </summary>
internal sealed class BackendSlotQueue
{
    private readonly int _capacity;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly LinkedList<TaskCompletionSource> _waiters = [];

    public BackendSlotQueue(int capacity, TimeSpan timeout, TimeProvider time)
    {
        _capacity = capacity;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>Connections waiting now.</summary>
    public int Length
    {
        get
        {
            lock (_waiters)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Waits for a slot to free up: true when woken, false on timeout. Null when the queue is full.</summary>
    public async Task<bool?> WaitAsync(CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        Task waiting;
        lock (_waiters)
        {
            if (_waiters.Count >= _capacity)
            {
                return null;
            }

            // The deadline starts before the waiter counts as queued: whoever sees it in the queue's length sees its clock running.
            waiting = waiter.Task.WaitAsync(_timeout, _time, cancellationToken);
            node = _waiters.AddLast(waiter);
        }

        try
        {
            await waiting.ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_waiters)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                }
            }
        }
    }

    /// <summary>A backend slot freed: wake the longest waiter, if any.</summary>
    public void Signal()
    {
        TaskCompletionSource? first = null;
        lock (_waiters)
        {
            if (_waiters.First is { } node)
            {
                first = node.Value;
                _waiters.RemoveFirst();
            }
        }

        first?.TrySetResult();
    }
}
