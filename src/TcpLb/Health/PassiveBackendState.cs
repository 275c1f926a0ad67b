namespace TcpLb.Health;

/// <summary>
/// The passive monitor's per-backend state. Written under <see cref="Gate"/> (failures are rare); the success
/// path reads <see cref="ConsecutiveFailures"/> and <see cref="EjectionsInARow"/> without it and leaves at once
/// when both are zero, so the common case takes no lock and writes nothing.
/// </summary>
internal sealed class PassiveBackendState
{
    public readonly Lock Gate = new();

    /// <summary>Failures since the last success, each within the window of the one before.</summary>
    public int ConsecutiveFailures;

    /// <summary>The timestamp of the last failure counted.</summary>
    public long LastFailure;

    /// <summary>Ejections without a success in between: the exponent of the back-off.</summary>
    public int EjectionsInARow;

    public bool IsClear => Volatile.Read(ref ConsecutiveFailures) == 0 && Volatile.Read(ref EjectionsInARow) == 0;
}
