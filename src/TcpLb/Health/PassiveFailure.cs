namespace TcpLb.Health;

/// <summary>The failures a backend causes on real connections, the only ones passive health counts.</summary>
internal enum PassiveFailure
{
    /// <summary>The connect was refused or timed out.</summary>
    ConnectFailure,

    /// <summary>The backend reset a connection.</summary>
    Reset,
}
