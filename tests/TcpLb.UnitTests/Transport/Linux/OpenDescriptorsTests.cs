using System.Net;
using System.Net.Sockets;
using TcpLb.Transport.Linux;
using Xunit;

namespace TcpLb.UnitTests.Transport.Linux;

/// <summary>
/// The descriptor count the budget is kept by agrees with the kernel's list and follows descriptors as they open and
/// close. Alone: other tests open and close sockets in this process all the time.
/// </summary>
[Collection(nameof(DescriptorCountingCollection))]
public sealed class OpenDescriptorsTests
{
    [Fact]
    public void Counts_what_proc_self_fd_lists_and_follows_sockets_opened_and_closed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/fd is Linux's");
        int listed = Directory.GetFiles("/proc/self/fd").Length - 1; // the listing's own descriptor is in it
        int counted = OpenDescriptors.Count();
        Assert.InRange(counted, listed - 2, listed + 2); // a runtime thread may open or close one in between

        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets.Add(socket);
            }

            Assert.InRange(OpenDescriptors.Count() - counted, 300, 310); // the runtime may open its socket engine's own on the first socket
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }

        Assert.InRange(OpenDescriptors.Count(), counted - 2, counted + 10);
    }

    [Fact]
    public void The_folder_size_and_its_entries_give_the_same_count()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/fd is Linux's");
        int fromSize = OpenDescriptors.CountFromFolderSize();
        Assert.SkipWhen(fromSize == 0, "this kernel reports no size for /proc/self/fd (Linux 6.2 and later do); the entries are counted there");

        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                sockets.Add(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                int entries = OpenDescriptors.CountFolderEntries();
                fromSize = OpenDescriptors.CountFromFolderSize();
                Assert.InRange(fromSize, entries - 2, entries + 2); // a runtime thread may open or close one in between
            }

            Assert.InRange(OpenDescriptors.Count() - OpenDescriptors.CountFolderEntries(), -2, 2);
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }
    }
}

/// <summary>Tests that count this process's descriptors run with no other test alongside.</summary>
[CollectionDefinition(nameof(DescriptorCountingCollection), DisableParallelization = true)]
public sealed class DescriptorCountingCollection;
