namespace TcpLb.Model;

/// <summary>
/// Something that orders backends by load (the least-connections index) and must hear of every change to a
/// backend's connections, health, ejection or drain state, to stay exact without rescanning.
/// </summary>
internal interface IBackendLoadObserver
{
    /// <summary>The backend this observer knows as <paramref name="slot"/> changed; read it again with <see cref="BackendState.ReadLoad"/>.</summary>
    void LoadChanged(int slot);
}
