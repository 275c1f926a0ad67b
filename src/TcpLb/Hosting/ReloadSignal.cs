using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace TcpLb.Hosting;

/// <summary>
/// SIGHUP for the whole life of the process, registered when the host is built. Before, only the config reloader
/// registered it, once every listener was up: a SIGHUP during start-up (DNS discovery's first round may take
/// seconds) met the signal's default action and ended the process. Now a SIGHUP before the reloader runs is held,
/// and the reloader, once attached, reloads once for it (the file may have changed since it was read at start: a
/// reload is what the sender asked for; several held signals are one reload, as reloads already fold). Without a
/// config file (flags) there is nothing to reload: the signal is ignored with a line saying so.
/// </summary>
internal sealed partial class ReloadSignal : IDisposable
{
    private readonly ILogger _logger;
    private readonly bool _reloadable;
    private readonly Lock _gate = new();
    private readonly PosixSignalRegistration? _registration;
    private Action<string>? _reload;
    private bool _held;

    /// <param name="logger">Where the held and ignored signals are told.</param>
    /// <param name="reloadable">True when a config reloader will attach (the process runs from a file).</param>
    public ReloadSignal(ILogger logger, bool reloadable)
    {
        _logger = logger;
        _reloadable = reloadable;
        if (!OperatingSystem.IsWindows())
        {
            if (OperatingSystem.IsLinux())
            {
                TakeBackIgnoredSighup();
            }

            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        }
    }

    /// <summary>From now on a SIGHUP asks <paramref name="reload"/>; one held since start asks it now, once.</summary>
    public void Attach(Action<string> reload)
    {
        bool held;
        lock (_gate)
        {
            _reload = reload;
            held = _held;
            _held = false;
        }

        if (held)
        {
            reload("SIGHUP during start-up");
        }
    }

    /// <summary>The reloader stopped: later signals are held again (and go nowhere, the process is ending).</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _reload = null;
        }
    }

    public void Dispose() => _registration?.Dispose();

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the default action of SIGHUP ends the process
        Action<string>? reload;
        lock (_gate)
        {
            reload = _reload;
            _held |= reload is null && _reloadable;
        }

        if (reload is not null)
        {
            reload("SIGHUP");
        }
        else if (_reloadable)
        {
            HeldDuringStart(_logger);
        }
        else
        {
            IgnoredWithoutFile(_logger);
        }
    }

    // A process started with SIGHUP ignored (nohup, a shell's `trap '' HUP`) inherits that disposition, and .NET
    // installs no handler for a signal ignored at start: every SIGHUP would then be dropped without a reload or a
    // line. Reset it to the default first, as nginx does, so the registration takes it; the handler never lets a
    // SIGHUP end the process, which is all nohup asks for. (Between the two calls the default action applies: a
    // SIGHUP in those microseconds would end a process that is still starting.)
    private static unsafe void TakeBackIgnoredSighup()
    {
        const int sighup = 1;
        const nint ignore = 1; // SIG_IGN
        const nint byDefault = 0; // SIG_DFL
        byte* current = stackalloc byte[256]; // struct sigaction (152 bytes on glibc), its handler first
        if (SignalAction(sighup, null, current) == 0 && *(nint*)current == ignore)
        {
            SetSignal(sighup, byDefault);
        }
    }

    [LibraryImport("libc", EntryPoint = "sigaction")]
    private static unsafe partial int SignalAction(int signal, byte* action, byte* previous);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignal(int signal, nint handler);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "SIGHUP during start-up: held until the config reloader runs, which then reloads once")]
    private static partial void HeldDuringStart(ILogger logger);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "SIGHUP ignored: tcplb runs from flags, there is no config file to reload")]
    private static partial void IgnoredWithoutFile(ILogger logger);
}
