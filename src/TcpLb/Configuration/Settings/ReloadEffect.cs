namespace TcpLb.Configuration.Settings;

/// <summary>What a reload does with a changed setting; the reload line says it (<c>drainTimeout 30s -> 10s (takes effect on restart)</c>).</summary>
internal enum ReloadEffect
{
    /// <summary>Applied by the reload: new connections get it, open ones finish under the settings they started with.</summary>
    NewConnections,

    /// <summary>Read once when the process starts (the drain, the logs, the admin endpoint): a reload notes it and keeps the old value.</summary>
    Restart,
}
