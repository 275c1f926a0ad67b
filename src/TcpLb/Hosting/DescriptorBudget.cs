using System.Globalization;

namespace TcpLb.Hosting;

/// <summary>
/// How many connections the process can hold before it runs out of file descriptors. Each proxied
/// connection takes two (client and backend); what the process already has open (the runtime keeps its
/// assemblies open: ~100 here) and a reserve for health checks, DNS and late-loaded assemblies are kept
/// back. It matters: out of descriptors, .NET cannot even start a thread (its thread start needs a pipe)
/// and aborts the process, so TcpLb stops accepting before that point and new clients wait in the
/// kernel's backlog.
/// </summary>
internal static class DescriptorBudget
{
    /// <summary>Descriptors kept back beyond those open at start.</summary>
    public const int Reserve = 64;

    /// <summary>The most connections; <see cref="int.MaxValue"/> when the limit is unknown or unlimited.</summary>
    public static int MaxConnections(long? descriptorLimit, int openNow) => descriptorLimit is { } limit && limit < int.MaxValue
        ? (int)Math.Max(1, (limit - openNow - Reserve) / 2)
        : int.MaxValue;

    /// <summary>How many descriptors this process has open now (Linux); 0 where that cannot be read.</summary>
    public static int CountOpen() => Transport.Linux.OpenDescriptors.Count();

    /// <summary>The soft RLIMIT_NOFILE of this process, from <c>/proc/self/limits</c> (Linux); null elsewhere.</summary>
    public static long? ReadDescriptorLimit()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            // "Max open files            1024                 1048576              files"
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft) ? soft : null;
            }
        }

        return null;
    }
}
