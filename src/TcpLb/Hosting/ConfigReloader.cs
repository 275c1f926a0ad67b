using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpLb.Configuration;
using TcpLb.Configuration.File;
using TcpLb.Routing;

namespace TcpLb.Hosting;

/// <summary>
/// Hot reload of the config file, on SIGHUP and when the file changes (debounced: editors and ConfigMap
/// updates write in several steps). The new file is loaded and validated first; an invalid one is refused and
/// the running configuration stays (one warning per problem). A valid one is applied to the
/// <see cref="TcpLbServer"/>. Each reload logs one line: applied (with what changed) or refused (with why).
/// Reloads run one at a time; triggers arriving meanwhile fold into one more reload.
/// </summary>
/// <remarks>
/// The whole directory is watched, not the file's name: a Kubernetes ConfigMap volume never touches
/// <c>tcplb.yaml</c> (a link to <c>..data/tcplb.yaml</c>); an update writes a new <c>..2026_...</c> directory and
/// renames a new <c>..data</c> link over the old one. Any event in the directory therefore arms the debounce, and
/// when it fires the file is reloaded only if its bytes (read through the links) differ from those last read, so
/// an editor's swap file or a neighbour's change reloads nothing. SIGHUP always reloads.
/// </remarks>
internal sealed partial class ConfigReloader : IHostedService, IAsyncDisposable
{
    /// <summary>How long the file must stay unchanged before a change is reloaded.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(500);

    private const string FileChangeTrigger = "file change";

    private readonly string _path;
    private readonly TcpLbServer _server;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly Channel<string> _triggers = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly ReloadSignal _sighup;
    private readonly bool _ownsSighup;
    private TcpLbOptions _current;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounceTimer;
    private Task _loop = Task.CompletedTask;
    private int _reloads;
    private byte[]? _lastReadDigest;

    /// <param name="sighup">SIGHUP as the host holds it since start (<see cref="ReloadSignal"/>); null registers it here.</param>
    public ConfigReloader(string path, TcpLbOptions current, TcpLbServer server, TimeProvider time, ILogger<ConfigReloader> logger, TimeSpan? debounce = null, ReloadSignal? sighup = null)
    {
        _ownsSighup = sighup is null;
        _sighup = sighup ?? new ReloadSignal(logger, reloadable: true);
        _path = Path.GetFullPath(path);
        _current = current;
        _server = server;
        _time = time;
        _logger = logger;
        _debounce = debounce ?? DefaultDebounce;
    }

    /// <summary>The configuration in effect: the file as last loaded successfully.</summary>
    public TcpLbOptions Current => Volatile.Read(ref _current);

    /// <summary>Raised after each reload with its outcome (true: applied); for tests and status.</summary>
    public event Action<bool>? Reloaded;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lastReadDigest = DigestOfFile(); // the file the running configuration came from, read a moment ago
        _loop = RunAsync(_stopping.Token);
        _sighup.Attach(Request);

        // Every name in the directory (see remarks): editors and `kubectl` replace the file rather than write into it,
        // and a ConfigMap volume swaps its ..data link.
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => FileChanged();
        _watcher.Created += (_, _) => FileChanged();
        _watcher.Deleted += (_, _) => FileChanged();
        _watcher.Renamed += (_, _) => FileChanged();
        _watcher.EnableRaisingEvents = true;
        ReloadWatching(_logger, _path, _debounce.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup.Detach();
        if (_ownsSighup)
        {
            _sighup.Dispose();
        }

        _watcher?.Dispose();
        lock (_gate)
        {
            _debounceTimer?.Dispose();
            _debounceTimer = null;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _triggers.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Asks for a reload; requests that arrive while one runs fold into the next, which names them all.</summary>
    public void Request(string trigger) => _triggers.Writer.TryWrite(trigger);

    /// <summary>Loads, validates and applies the file now; true when the new configuration is in effect.</summary>
    public async Task<bool> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        int number = Interlocked.Increment(ref _reloads);
        Volatile.Write(ref _lastReadDigest, DigestOfFile());
        ConfigLoadResult loaded = ConfigFile.Load(_path, check: RoutingCheck.Check);
        if (!loaded.IsValid)
        {
            foreach (string problem in loaded.Problems)
            {
                ReloadProblem(_logger, number, problem);
            }

            ReloadRefused(_logger, number, trigger, $"{loaded.Problems.Count} problem(s) in {_path}; the running configuration stays");
            Reloaded?.Invoke(false);
            return false;
        }

        TcpLbOptions options = loaded.Options!;
        IReadOnlyList<string> changes;
        try
        {
            changes = await _server.ReloadAsync(options.Listeners, options.Pools, cancellationToken).ConfigureAwait(false);
        }
        catch (ListenAddressException exception)
        {
            ReloadRefused(_logger, number, trigger, $"{exception.Message}; the running configuration stays");
            Reloaded?.Invoke(false);
            return false;
        }

        TcpLbOptions previous = Current;
        Volatile.Write(ref _current, options);
        // Process-wide settings are read once at start: the line says so rather than pretend they changed.
        List<string> all = [.. changes, .. TcpLbOptions.Settings.Changes(previous, options).Select(change => change.ToString())];
        ReloadApplied(_logger, number, trigger, all.Count == 0 ? "no change" : string.Join("; ", all));
        Reloaded?.Invoke(true);
        return true;
    }

    private void FileChanged()
    {
        // Each event pushes the reload back: only a file that stopped changing for the debounce time is read.
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (_debounceTimer is null)
            {
                _debounceTimer = _time.CreateTimer(static state => ((ConfigReloader)state!).Request(FileChangeTrigger), this, _debounce, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (await _triggers.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                // Everything asked for until now is served by one reload of the file as it is now.
                var pending = new List<string>();
                while (_triggers.Reader.TryRead(out string? requested))
                {
                    pending.Add(requested);
                }

                string trigger = string.Join(", ", pending.Distinct());
                if (trigger == FileChangeTrigger && DigestOfFile() is { } digest && Volatile.Read(ref _lastReadDigest) is { } last && digest.AsSpan().SequenceEqual(last))
                {
                    ReloadSkipped(_logger, _path);
                    continue;
                }

                try
                {
                    await ReloadAsync(trigger, stopping).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A reload must never take the process down; the running configuration stays.
                    ReloadRefused(_logger, _reloads, trigger, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    // The file's bytes, read through any links, as a SHA-256 digest; null when it cannot be read now (a reload says why).
    private byte[]? DigestOfFile()
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(_path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Reload #{Number} ({Trigger}) applied: {Changes}")]
    private static partial void ReloadApplied(ILogger logger, int number, string trigger, string changes);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Reload #{Number} ({Trigger}) refused: {Reason}")]
    private static partial void ReloadRefused(ILogger logger, int number, string trigger, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Reload #{Number}: {Problem}")]
    private static partial void ReloadProblem(ILogger logger, int number, string problem);

    [LoggerMessage(EventId = 504, Level = LogLevel.Debug, Message = "Not reloading {Path}: something changed in its directory, but not its bytes")]
    private static partial void ReloadSkipped(ILogger logger, string path);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Reloading {Path} on SIGHUP and when it changes (after {Milliseconds} ms without change)")]
    private static partial void ReloadWatching(ILogger logger, string path, double milliseconds);
}
