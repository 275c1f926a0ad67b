namespace TcpLb.Fuzz;

/// <summary>A parser broke one of its promises for the input being run: a finding, reported to AFL++ as a crash.</summary>
internal sealed class InvariantException : Exception
{
    public InvariantException()
    {
    }

    public InvariantException(string message)
        : base(message)
    {
    }

    public InvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvariantException(message);
        }
    }
}
