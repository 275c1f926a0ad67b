using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace TcpLb.Transport;

/// <summary>
/// Listening sockets handed over by systemd socket activation (the <c>sd_listen_fds</c> protocol): the
/// process that started us (systemd, <c>systemd-socket-activate</c>) put <c>LISTEN_FDS</c> sockets on
/// descriptors 3, 4, ..., set <c>LISTEN_PID</c> to our pid and maybe named them in <c>LISTEN_FDNAMES</c>.
/// A listener whose address matches one of them accepts on it instead of binding: the socket outlives
/// any one TcpLb process, so a new process can accept on it while the old one drains (binary upgrade
/// without a refused connection). A listener with no matching socket binds as usual; a socket that
/// matches no listener is closed with a warning at start (systemd keeps its own copy).
/// </summary>
internal static partial class SocketActivation
{
    /// <summary>The first descriptor passed (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    // The sockets are the process's, read from its environment once, at the first listener bound.
    private static readonly Lock s_gate = new();
    private static List<InheritedSocket>? s_unclaimed;

    /// <summary>One descriptor passed to us, with its name (<c>LISTEN_FDNAMES</c>; "unknown" when unnamed, as systemd says).</summary>
    public readonly record struct PassedDescriptor(int Descriptor, string Name);

    private sealed record InheritedSocket(PassedDescriptor Passed, Socket Socket, IPEndPoint LocalEndPoint);

    /// <summary>The inherited listening socket bound to exactly <paramref name="endPoint"/>, now owned by the caller; null when there is none.</summary>
    public static Socket? TakeListener(IPEndPoint endPoint, ILogger logger)
    {
        lock (s_gate)
        {
            s_unclaimed ??= AdoptFromEnvironment(logger);
            int index = s_unclaimed.FindIndex(inherited => inherited.LocalEndPoint.Equals(endPoint));
            if (index < 0)
            {
                return null;
            }

            InheritedSocket taken = s_unclaimed[index];
            s_unclaimed.RemoveAt(index);
            UsingInherited(logger, taken.Passed.Descriptor, taken.Passed.Name, endPoint);
            return taken.Socket;
        }
    }

    /// <summary>
    /// Closes the inherited sockets no listener took, with a warning each: accepting on them would serve an
    /// address nobody configured. Closing only drops our descriptor; systemd still holds the socket.
    /// </summary>
    public static void CloseUnclaimed(ILogger logger)
    {
        lock (s_gate)
        {
            s_unclaimed ??= AdoptFromEnvironment(logger);
            foreach (InheritedSocket unclaimed in s_unclaimed)
            {
                ClosingUnclaimed(logger, unclaimed.Passed.Descriptor, unclaimed.Passed.Name, unclaimed.LocalEndPoint);
                unclaimed.Socket.Dispose();
            }

            s_unclaimed.Clear();
        }
    }

    /// <summary>
    /// Reads the protocol's variables: the descriptors meant for process <paramref name="processId"/>, or none
    /// when <c>LISTEN_PID</c> names another process (they were meant for a parent, e.g. a shell that did not exec).
    /// A malformed variable gives a <paramref name="problem"/> and no descriptor.
    /// </summary>
    public static IReadOnlyList<PassedDescriptor> Parse(string? listenPid, string? listenFds, string? listenFdNames, int processId, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(listenFds) && string.IsNullOrEmpty(listenPid))
        {
            return [];
        }

        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            problem = $"LISTEN_PID '{listenPid}' is not a process id";
            return [];
        }

        if (pid != processId)
        {
            return [];
        }

        if (!int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > 4096)
        {
            problem = $"LISTEN_FDS '{listenFds}' is not a descriptor count";
            return [];
        }

        string[] names = string.IsNullOrEmpty(listenFdNames) ? [] : listenFdNames.Split(':');
        return [.. Enumerable.Range(0, count).Select(i => new PassedDescriptor(FirstDescriptor + i, i < names.Length && names[i].Length > 0 ? names[i] : "unknown"))];
    }

    private static List<InheritedSocket> AdoptFromEnvironment(ILogger logger)
    {
        IReadOnlyList<PassedDescriptor> passed = Parse(
            Environment.GetEnvironmentVariable("LISTEN_PID"),
            Environment.GetEnvironmentVariable("LISTEN_FDS"),
            Environment.GetEnvironmentVariable("LISTEN_FDNAMES"),
            Environment.ProcessId,
            out string? problem);

        // Read once, then gone: a process we might start must not take these descriptors for its own.
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (problem is not null)
        {
            BadEnvironment(logger, problem);
        }

        var adopted = new List<InheritedSocket>();
        foreach (PassedDescriptor descriptor in passed)
        {
            if (Adopt(descriptor, logger) is { } inherited)
            {
                adopted.Add(inherited);
            }
        }

        return adopted;
    }

    // The descriptor as a Socket, if it is a listening TCP socket on an IP address; anything else is closed.
    // FD_CLOEXEC is left as systemd left it (clear): .NET reads a clear flag as "maybe shared with another
    // process" and then closes without shutting the socket down, which would stop the other process's accepts.
    private static InheritedSocket? Adopt(PassedDescriptor descriptor, ILogger logger)
    {
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(descriptor.Descriptor, ownsHandle: true));
        }
        catch (SocketException exception)
        {
            // Not a socket at all (or already closed): nothing of it is ours to keep.
            NotAListener(logger, descriptor.Descriptor, descriptor.Name, exception.SocketErrorCode.ToString());
            return null;
        }

        string? why = socket switch
        {
            { SocketType: not SocketType.Stream } => $"a {socket.SocketType} socket",
            { AddressFamily: not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) } => $"an {socket.AddressFamily} socket",
            _ when !IsListening(socket) => "not listening",
            _ => null,
        };
        if (why is not null || socket.LocalEndPoint is not IPEndPoint local)
        {
            NotAListener(logger, descriptor.Descriptor, descriptor.Name, why ?? "not bound to an IP address");
            socket.Dispose();
            return null;
        }

        return new InheritedSocket(descriptor, socket, local);
    }

    // SO_ACCEPTCONN: set once listen() was called on the socket.
    private static bool IsListening(Socket socket) =>
        (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection)! != 0;

    [LoggerMessage(EventId = 560, Level = LogLevel.Information, Message = "Accepting on socket {Descriptor} ({Name}) passed by systemd for {EndPoint}")]
    private static partial void UsingInherited(ILogger logger, int descriptor, string name, IPEndPoint endPoint);

    [LoggerMessage(EventId = 561, Level = LogLevel.Warning, Message = "Closing socket {Descriptor} ({Name}) passed by systemd: {EndPoint} is no configured listener")]
    private static partial void ClosingUnclaimed(ILogger logger, int descriptor, string name, IPEndPoint endPoint);

    [LoggerMessage(EventId = 562, Level = LogLevel.Warning, Message = "Ignoring descriptor {Descriptor} ({Name}) passed by systemd: {Why}, not a listening TCP socket")]
    private static partial void NotAListener(ILogger logger, int descriptor, string name, string why);

    [LoggerMessage(EventId = 563, Level = LogLevel.Warning, Message = "Ignoring sockets passed by systemd: {Problem}")]
    private static partial void BadEnvironment(ILogger logger, string problem);
}
