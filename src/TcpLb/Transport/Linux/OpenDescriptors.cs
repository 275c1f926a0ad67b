using System.Buffers.Binary;

namespace TcpLb.Transport.Linux;

/// <summary>
/// How many descriptors this process has open. Since Linux 6.2 the size <c>statx</c> reports for
/// <c>/proc/self/fd</c> is that count, taken from the descriptor table's bitmap: one call whatever the number.
/// Older kernels report 0; there the folder's entries are counted with <c>getdents64</c> alone, which costs in
/// proportion to what is open (the kernel makes an entry per descriptor: with ten thousand connections, 7 % of the
/// proxy's CPU while they opened, from a look once a second). Listing it through System.IO would also stat each one.
/// </summary>
internal static unsafe class OpenDescriptors
{
    private const string Folder = "/proc/self/fd";
    private const int BufferSize = 32 * 1024;
    private const int StatXSize = 256;
    private const int StatXSizeOffset = 40; // struct statx: stx_size, after mask, blksize, attributes, nlink, uid, gid, mode and ino

    /// <summary>The count, or 0 when it cannot be read (not Linux, or none left to open the folder).</summary>
    public static int Count()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        int counted = CountFromFolderSize();
        return counted > 0 ? counted : CountFolderEntries();
    }

    /// <summary>The size statx gives the folder: the count on Linux 6.2 and later, 0 before (or when it fails).</summary>
    internal static int CountFromFolderSize()
    {
        byte* statx = stackalloc byte[StatXSize];
        if (LinuxSyscalls.StatX(LinuxFlags.AT_FDCWD, Folder, 0, LinuxFlags.STATX_SIZE, statx) != 0)
        {
            return 0;
        }

        ulong size = *(ulong*)(statx + StatXSizeOffset);
        return (int)Math.Min(size, int.MaxValue);
    }

    /// <summary>The folder's entries (without the descriptor that reads them), or 0 when it cannot be opened.</summary>
    internal static int CountFolderEntries()
    {
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
