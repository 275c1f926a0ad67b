namespace TcpLb.Configuration.File;

/// <summary>A loaded config file: the options when it is valid, else null and every problem, one line each.</summary>
internal sealed record ConfigLoadResult(TcpLbOptions? Options, IReadOnlyList<string> Problems)
{
    public bool IsValid => Options is not null && Problems.Count == 0;
}
