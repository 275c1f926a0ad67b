using System.Buffers.Binary;

namespace TcpLb.Transport.Linux;

/// <summary>
/// How many descriptors this process has open, read as the entries of <c>/proc/self/fd</c> with <c>getdents64</c>
/// alone. Listing that folder through System.IO stats every entry (each is a link, to a socket mostly): with ten
/// thousand connections that was milliseconds of path walks a second, charged to the connections being opened.
/// </summary>
internal static unsafe class OpenDescriptors
{
    private const string Folder = "/proc/self/fd";
    private const int BufferSize = 32 * 1024;

    /// <summary>The count (without the descriptor that reads it), or 0 when it cannot be read (not Linux, or none left to open the folder).</summary>
    public static int Count()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        int folder = LinuxSyscalls.Open(Folder, LinuxFlags.O_DIRECTORY | LinuxFlags.O_CLOEXEC);
        if (folder < 0)
        {
            return 0;
        }

        try
        {
            int count = 0;
            byte* buffer = stackalloc byte[BufferSize];
            while (true)
            {
                nint read = LinuxSyscalls.GetDirectoryEntries(folder, buffer, BufferSize);
                if (read <= 0)
                {
                    return read == 0 ? count - 1 : 0; // the folder's own descriptor is listed too
                }

                // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
                for (nint offset = 0; offset < read;)
                {
                    ushort length = BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(buffer + offset + 16, 2));
                    if (buffer[offset + 19] != (byte)'.')
                    {
                        count++;
                    }

                    offset += length;
                }
            }
        }
        finally
        {
            LinuxSyscalls.Close(folder);
        }
    }
}
