namespace TcpLb.Fuzz;

/// <summary>
/// One parser of wire bytes under the fuzzer. <see cref="Run"/> feeds it one input and checks the parser's own
/// invariants, throwing <see cref="InvariantException"/> when one breaks: AFL++ then records the input as a crash,
/// as it does for any exception the parser throws itself. A target is one file in Targets/; nothing else names it.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name <c>run.sh</c> takes, e.g. <c>proxy-header</c>; also the corpus folder's name.</summary>
    string Name { get; }

    /// <summary>The assembly file whose code the fuzzer instruments for coverage, e.g. <c>TcpLb.ProxyProtocol.dll</c>.</summary>
    string Assembly { get; }

    /// <summary>Type or namespace prefixes instrumented in <see cref="Assembly"/> (empty: all of it).</summary>
    IReadOnlyList<string> Prefixes { get; }

    /// <summary>Parses <paramref name="input"/> and asserts every invariant; throws when one breaks.</summary>
    void Run(ReadOnlySpan<byte> input);
}
