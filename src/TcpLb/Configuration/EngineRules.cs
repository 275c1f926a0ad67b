using System.Globalization;

namespace TcpLb.Configuration;

/// <summary>The values <c>threads</c> (<c>--threads</c>) takes: 0 (one loop per core) to 1024.</summary>
internal static class EngineRules
{
    public const int MaxThreads = 1024;

    public static bool TryParseThreads(string text, out int value, out string error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= MaxThreads)
        {
            error = string.Empty;
            return true;
        }

        error = $"'{text}' is not a number of event loops from 0 (one per core) to {MaxThreads}";
        return false;
    }
}
