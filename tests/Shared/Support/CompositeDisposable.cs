namespace TcpLb.Testing;

/// <summary>Disposes several things at the end of a test.</summary>
internal sealed class CompositeDisposable(IEnumerable<IDisposable> items) : IDisposable
{
    public void Dispose()
    {
        foreach (IDisposable item in items)
        {
            item.Dispose();
        }
    }
}
