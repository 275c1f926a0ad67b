namespace TcpLb.Forwarding;

/// <summary>
/// The one admission point of a listener: a connection is accepted only with a slot in both the process's budget
/// (file descriptors) and the listener's max-connections. Engines take a slot before they accept, so past a limit
/// clients wait in the kernel's listen backlog instead of being taken and dropped; the connection gives its slot
/// back to the admission that granted it (a reload that changes the limit makes a new one) as it closes.
/// </summary>
internal sealed class ListenerAdmission(ConnectionBudget process, ConnectionBudget? listener)
{
    /// <summary>The listener's own limit, null without one.</summary>
    public ConnectionBudget? ListenerBudget { get; } = listener;

    /// <summary>Takes a slot if both budgets have one now.</summary>
    public bool TryTake()
    {
        if (!process.TryTake())
        {
            return false;
        }

        if (ListenerBudget is not null && !ListenerBudget.TryTake())
        {
            process.Release();
            return false;
        }

        return true;
    }

    /// <summary>Waits until both budgets have a slot and takes it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await process.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ListenerBudget is not null)
        {
            try
            {
                await ListenerBudget.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Release();
                throw;
            }
        }
    }

    /// <summary>Gives a slot back (its connection closed, or an accept it was taken for never came).</summary>
    public void Release()
    {
        ListenerBudget?.Release();
        process.Release();
    }
}
