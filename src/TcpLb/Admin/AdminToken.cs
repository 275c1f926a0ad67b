namespace TcpLb.Admin;

/// <summary>
/// The admin endpoint's bearer token, read once at start from the file <c>admin.tokenFile</c> names (a mounted
/// Kubernetes Secret, a file only tcplb's user reads) or from the variable <c>TCPLB_ADMIN_TOKEN</c>; never from the
/// command line, where <c>ps</c> and shell history would show it to anyone on the host.
/// </summary>
internal static class AdminToken
{
    /// <summary>The environment variable that may hold the token; <c>tcplb status</c> reads the same one.</summary>
    public const string Variable = "TCPLB_ADMIN_TOKEN";

    /// <summary>Shorter tokens are refused: 16 random characters are past guessing over HTTP; <c>openssl rand -hex 32</c> gives 64.</summary>
    public const int MinimumLength = 16;

    /// <summary>
    /// The token from <paramref name="tokenFile"/> or <paramref name="variable"/> (the variable's value), null when neither is
    /// set; false with the reason when the file cannot be read, both are set, or the token is unfit for an HTTP header.
    /// Whitespace around it is dropped (<c>echo TOKEN > file</c> ends it with a newline).
    /// </summary>
    public static bool TryLoad(string? tokenFile, string? variable, out string? token, out string error)
    {
        token = null;
        error = string.Empty;
        if (tokenFile is not null && !string.IsNullOrEmpty(variable))
        {
            error = $"admin.tokenFile ({tokenFile}) and {Variable} are both set: give the token one way";
            return false;
        }

        string source;
        string text;
        if (tokenFile is not null)
        {
            source = $"admin.tokenFile {tokenFile}";
            try
            {
                text = File.ReadAllText(tokenFile);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                error = $"{source}: cannot be read: {Describe(exception)}";
                return false;
            }
        }
        else if (!string.IsNullOrEmpty(variable))
        {
            source = Variable;
            text = variable;
        }
        else
        {
            return true;
        }

        string trimmed = text.Trim();
        if (trimmed.Length < MinimumLength)
        {
            error = $"{source}: the token has {trimmed.Length} characters; give at least {MinimumLength} (e.g. openssl rand -hex 32)";
            return false;
        }

        // What may stand after "Bearer " in a header: visible ASCII, no space (RFC 6750's b64token is a subset).
        if (trimmed.Any(c => c is < '!' or > '~'))
        {
            error = $"{source}: the token may hold only visible ASCII characters, without spaces";
            return false;
        }

        token = trimmed;
        return true;
    }

    private static string Describe(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => exception.Message,
    };
}
