namespace TcpLb.Configuration;

/// <summary>When the backend is dialled.</summary>
internal enum ConnectMode
{
    /// <summary>
    /// Client-first (Rackspace's TCP_CLIENT_FIRST): dial when the client's first bytes arrive, so the PROXY
    /// header and those bytes leave in one write; a silent client gets the dial after the first-bytes timeout.
    /// </summary>
    OnFirstBytes,

    /// <summary>Dial as soon as the client connects (and any upstream PROXY header was read).</summary>
    OnAccept,
}
