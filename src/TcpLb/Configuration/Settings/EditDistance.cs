namespace TcpLb.Configuration.Settings;

/// <summary>How close a mistyped key is to a known one, for "did you mean" hints.</summary>
internal static class EditDistance
{
    /// <summary>
    /// The one of <paramref name="known"/> that <paramref name="typed"/> is closest to, within <paramref name="limit"/>
    /// single-letter edits (ignoring case); the first of equally close ones; null when none is that close. The closest, not
    /// the first close one: with pools <c>web</c> and <c>ws</c>, <c>wss</c> was meant to be <c>ws</c>.
    /// </summary>
    public static string? Nearest(IEnumerable<string> known, string typed, int limit)
    {
        string? nearest = null;
        int best = limit + 1;
        foreach (string candidate in known)
        {
            int distance = Distance(candidate, typed, limit);
            if (distance < best)
            {
                (nearest, best) = (candidate, distance);
            }
        }

        return nearest;
    }

    // The Levenshtein distance, or limit + 1 when the lengths alone say it is more than limit.
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        // Levenshtein over two rows: keys are short, and this runs only for unknown keys.
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        int[] current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
