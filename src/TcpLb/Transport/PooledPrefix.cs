using System.Buffers;

namespace TcpLb.Transport;

/// <summary>
/// Bytes that must lead a send (a PROXY header) in an array rented from the shared pool. The send loop
/// that receives it owns it and returns the array once the bytes are sent.
/// </summary>
internal readonly struct PooledPrefix
{
    private readonly byte[]? _array;
    private readonly int _length;

    public PooledPrefix(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public bool IsEmpty => _length == 0;

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public void Return()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
