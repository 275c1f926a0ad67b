namespace TcpLb.Balancing;

/// <summary>
/// How loaded a backend is for the load-aware policies: open connections per unit of weight. Compared by
/// cross-multiplying, so there is no division and no rounding: 3 connections at weight 2 load less than 2 at weight 1.
/// </summary>
internal static class ConnectionLoad
{
    /// <summary>Negative when A carries less load per weight than B, zero when equal, positive when more.</summary>
    public static int Compare(int connectionsA, int weightA, int connectionsB, int weightB) =>
        ((long)connectionsA * weightB).CompareTo((long)connectionsB * weightA);
}
