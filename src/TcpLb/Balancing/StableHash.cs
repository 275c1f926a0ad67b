namespace TcpLb.Balancing;

/// <summary>
/// Hashing that gives the same value in every process and every run (unlike <see cref="string.GetHashCode()"/>),
/// so two balancers, or one after a restart, place a client on the same backend.
/// </summary>
internal static class StableHash
{
    /// <summary>The 64-bit golden ratio: consecutive multiples of it are spread over the whole range.</summary>
    public const ulong Golden = 0x9E37_79B9_7F4A_7C15;

    /// <summary>
    /// SplitMix64's finalizer: a bijection on 64 bits where every input bit flips about half the output bits,
    /// so sequential or structured inputs (addresses, counters) come out uniformly spread.
    /// </summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9;
        value = (value ^ (value >> 27)) * 0x94D0_49BB_1331_11EB;
        return value ^ (value >> 31);
    }

    /// <summary>A hash of <paramref name="text"/>'s UTF-16 code units; <paramref name="seed"/> gives independent hashes of the same text.</summary>
    public static ulong Of(string text, ulong seed)
    {
        ulong hash = Mix(seed + Golden);
        foreach (char c in text)
        {
            hash = Mix(hash ^ c) + Golden;
        }

        return Mix(hash ^ (ulong)text.Length);
    }

    /// <summary>
    /// A number in [0, <paramref name="bound"/>) from the top 32 bits of a uniform <paramref name="bits"/>
    /// (Lemire's multiply-shift: no division, and no bias worth measuring for bounds far below 2^32).
    /// </summary>
    public static int Below(ulong bits, int bound) => (int)(((bits >> 32) * (ulong)(uint)bound) >> 32);
}
