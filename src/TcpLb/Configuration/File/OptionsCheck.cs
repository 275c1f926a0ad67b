namespace TcpLb.Configuration.File;

/// <summary>
/// A check of the whole configuration beyond its settings, run by the reader on what it could read: the routes, which a
/// folder above this one compiles (<c>RoutingCheck.Check</c>). <paramref name="alreadyWrong"/> says whether a problem was
/// already reported at a path (as the file writes it), at it, above or below: the check leaves such settings alone.
/// </summary>
internal delegate IEnumerable<SettingProblem> OptionsCheck(TcpLbOptions options, Func<string, bool> alreadyWrong);
