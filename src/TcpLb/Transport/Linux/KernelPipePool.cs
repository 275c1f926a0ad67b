namespace TcpLb.Transport.Linux;

/// <summary>
/// One loop's spare kernel pipes. A direction takes one while it splices and gives it back as soon as it is empty,
/// so an idle connection holds none (a pipe is two descriptors). At most <see cref="MaxSpare"/> are kept.
/// </summary>
internal sealed unsafe class KernelPipePool : IDisposable
{
    /// <summary>Spare pipes kept open for the next bulk transfer.</summary>
    public const int MaxSpare = 16;

    private readonly Stack<KernelPipe> _spare = new();

    /// <summary>Pipes open now (spare and in use), for tests and leak checks.</summary>
    public int Open { get; private set; }

    /// <summary>Pipes kept spare now.</summary>
    public int Spare => _spare.Count;

    /// <summary>Times a direction took a pipe to splice (tests: splice was engaged).</summary>
    public long Rented { get; private set; }

    /// <summary>A pipe, or null when none can be made (out of descriptors: the caller copies through user space).</summary>
    public KernelPipe? Rent()
    {
        if (_spare.TryPop(out KernelPipe? pipe))
        {
            Rented++;
            return pipe;
        }

        int* fds = stackalloc int[2];
        if (LinuxSyscalls.Pipe(fds, LinuxFlags.O_NONBLOCK | LinuxFlags.O_CLOEXEC) != 0)
        {
            return null;
        }

        Open++;
        Rented++;
        return new KernelPipe(fds[0], fds[1]);
    }

    /// <summary>Takes back a pipe; one that still holds bytes (its connection ended mid-transfer) is closed instead.</summary>
    public void Return(KernelPipe pipe)
    {
        if (pipe.Bytes == 0 && _spare.Count < MaxSpare)
        {
            _spare.Push(pipe);
            return;
        }

        pipe.Close();
        Open--;
    }

    public void Dispose()
    {
        while (_spare.TryPop(out KernelPipe? pipe))
        {
            pipe.Close();
            Open--;
        }
    }
}
