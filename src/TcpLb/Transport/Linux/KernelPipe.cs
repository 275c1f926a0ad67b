namespace TcpLb.Transport.Linux;

/// <summary>
/// A kernel pipe that carries one direction's bytes from socket to socket with splice(2), never through user
/// space. <see cref="Bytes"/> is what sits in it: a pipe goes back to the pool only when empty, so no byte of one
/// connection can reach another.
/// </summary>
internal sealed class KernelPipe(int readFd, int writeFd)
{
    public int ReadFd { get; } = readFd;

    public int WriteFd { get; } = writeFd;

    /// <summary>Bytes spliced in and not yet spliced out.</summary>
    public int Bytes { get; set; }

    public void Close()
    {
        LinuxSyscalls.Close(ReadFd);
        LinuxSyscalls.Close(WriteFd);
    }
}
