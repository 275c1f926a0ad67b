using TcpLb.Admin;
using Xunit;

namespace TcpLb.UnitTests.Admin;

/// <summary>Where the admin token comes from (a file, or TCPLB_ADMIN_TOKEN) and what is refused, with the reason.</summary>
public sealed class AdminTokenTests : IDisposable
{
    private const string Token = "s3cr3t-t0ken-0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("tcplb-token-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Neither_a_file_nor_the_variable_is_no_token()
    {
        Assert.True(AdminToken.TryLoad(tokenFile: null, variable: null, out string? token, out _));
        Assert.Null(token);
        Assert.True(AdminToken.TryLoad(tokenFile: null, variable: string.Empty, out token, out _));
        Assert.Null(token);
    }

    [Fact]
    public void The_file_is_read_without_the_whitespace_around_the_token()
    {
        string file = Write($"{Token}\n"); // echo TOKEN > file

        Assert.True(AdminToken.TryLoad(file, variable: null, out string? token, out string error), error);
        Assert.Equal(Token, token);
    }

    [Fact]
    public void The_variable_is_read()
    {
        Assert.True(AdminToken.TryLoad(tokenFile: null, Token, out string? token, out string error), error);
        Assert.Equal(Token, token);
    }

    [Fact]
    public void Both_a_file_and_the_variable_are_refused()
    {
        string file = Write(Token);

        Assert.False(AdminToken.TryLoad(file, Token, out _, out string error));
        Assert.Equal($"admin.tokenFile ({file}) and TCPLB_ADMIN_TOKEN are both set: give the token one way", error);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        string file = Path.Combine(_directory, "absent");

        Assert.False(AdminToken.TryLoad(file, variable: null, out _, out string error));
        Assert.Equal($"admin.tokenFile {file}: cannot be read: no such file", error);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("\n", 0)]
    [InlineData("short", 5)]
    [InlineData("0123456789abcde", 15)]
    public void A_token_shorter_than_16_characters_is_refused(string text, int length)
    {
        string file = Write(text);

        Assert.False(AdminToken.TryLoad(file, variable: null, out _, out string error));
        Assert.Equal($"admin.tokenFile {file}: the token has {length} characters; give at least 16 (e.g. openssl rand -hex 32)", error);
    }

    [Theory]
    [InlineData("0123456789 abcdef")]
    [InlineData("0123456789\tabcdef")]
    [InlineData("0123456789abcdef\u00e9")]
    [InlineData("0123456789\r\nabcdef")]
    public void A_token_that_cannot_stand_in_a_header_is_refused(string text)
    {
        Assert.False(AdminToken.TryLoad(tokenFile: null, text, out _, out string error));
        Assert.Equal("TCPLB_ADMIN_TOKEN: the token may hold only visible ASCII characters, without spaces", error);
    }

    private string Write(string text)
    {
        string file = Path.Combine(_directory, "token");
        File.WriteAllText(file, text);
        return file;
    }
}
