using System.Runtime.InteropServices;

namespace TcpLb.Transport.Linux;

/// <summary>
/// The array <c>epoll_wait</c> fills, in native memory. <c>struct epoll_event</c> is packed on x86-64 (12 bytes:
/// events, then the 64-bit data) and naturally aligned elsewhere (16 bytes, data at 8), so the layout is read
/// with the stride of the architecture the process runs on.
/// </summary>
internal sealed unsafe class EpollEventBuffer : IDisposable
{
    private static readonly int s_stride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_dataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public EpollEventBuffer(int capacity)
    {
        Capacity = capacity;
        Pointer = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * s_stride));
    }

    public int Capacity { get; }

    public byte* Pointer { get; private set; }

    public uint Events(int index) => *(uint*)(Pointer + (index * s_stride));

    public ulong Data(int index) => *(ulong*)(Pointer + (index * s_stride) + s_dataOffset);

    /// <summary>Writes one event (for <c>epoll_ctl</c>) into <paramref name="destination"/>, which holds at least 16 bytes.</summary>
    public static void Write(byte* destination, uint events, ulong data)
    {
        *(uint*)destination = events;
        *(ulong*)(destination + s_dataOffset) = data;
    }

    public void Dispose()
    {
        NativeMemory.Free(Pointer);
        Pointer = null;
    }
}
