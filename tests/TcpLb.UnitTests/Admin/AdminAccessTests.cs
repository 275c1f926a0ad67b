using System.Net;
using TcpLb.Admin;
using Xunit;

namespace TcpLb.UnitTests.Admin;

/// <summary>
/// The admin endpoint's access rule, decided at start: a non-loopback address needs a token unless the operator says
/// otherwise; with a token every path but <c>/healthz</c> needs it, as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class AdminAccessTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    /// <summary>Loopback without a token: what tests of the endpoint's other behaviour start it with.</summary>
    internal static AdminAccess Open { get; } = Decide("127.0.0.1:0", token: null, allowUnauthenticated: false);

    [Theory]
    [InlineData("127.0.0.1:8411")]
    [InlineData("127.0.0.2:8411")]
    [InlineData("[::1]:8411")]
    [InlineData("[::ffff:127.0.0.1]:8411")]
    public void Loopback_without_a_token_is_open(string listen)
    {
        AdminAccess access = Decide(listen, token: null, allowUnauthenticated: false);

        Assert.False(access.RequiresToken);
        Assert.True(access.Permits("/status", string.Empty));
        Assert.Equal("open: loopback only", access.Description);
    }

    [Theory]
    [InlineData("0.0.0.0:8411")]
    [InlineData("[::]:8411")]
    [InlineData("10.0.0.5:8411")]
    [InlineData("[fd00::2]:8411")]
    [InlineData("[::ffff:10.0.0.5]:8411")]
    public void A_non_loopback_address_without_a_token_is_refused_naming_every_way_out(string listen)
    {
        bool decided = AdminAccess.TryDecide(IPEndPoint.Parse(listen), token: null, allowUnauthenticated: false, out AdminAccess? access, out string refusal);

        Assert.False(decided);
        Assert.Null(access);
        Assert.StartsWith($"the admin endpoint on {IPEndPoint.Parse(listen)} would be open to the network without a token: ", refusal, StringComparison.Ordinal);
        Assert.Contains("admin.tokenFile (--admin-token-file PATH)", refusal, StringComparison.Ordinal);
        Assert.Contains("TCPLB_ADMIN_TOKEN", refusal, StringComparison.Ordinal);
        Assert.Contains("admin.listen, --admin-listen 127.0.0.1:8411", refusal, StringComparison.Ordinal);
        Assert.Contains("admin.allowUnauthenticated: true (--admin-allow-unauthenticated)", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_loopback_address_is_served_open_when_the_operator_says_so()
    {
        AdminAccess access = Decide("0.0.0.0:8411", token: null, allowUnauthenticated: true);

        Assert.False(access.RequiresToken);
        Assert.True(access.Permits("/metrics", string.Empty));
        Assert.Equal("open to the network: admin.allowUnauthenticated", access.Description);
    }

    [Fact]
    public void A_token_and_allow_unauthenticated_together_are_refused()
    {
        Assert.False(AdminAccess.TryDecide(IPEndPoint.Parse("0.0.0.0:8411"), Token, allowUnauthenticated: true, out _, out string refusal));
        Assert.Equal("admin.allowUnauthenticated is true and a token is set too: give one or the other", refusal);
    }

    [Theory]
    [InlineData("0.0.0.0:8411")]
    [InlineData("127.0.0.1:8411")] // a token given is required on loopback too: the operator asked for it
    public void With_a_token_every_path_but_healthz_needs_it(string listen)
    {
        AdminAccess access = Decide(listen, Token, allowUnauthenticated: false);

        Assert.True(access.RequiresToken);
        Assert.True(access.Permits("/healthz", string.Empty));
        Assert.True(access.Permits("/HEALTHZ", string.Empty)); // routing matches paths in any case; so does the exemption
        foreach (string path in (string[])["/metrics", "/status", "/ready", "/", "/healthz/more", "/nowhere"])
        {
            Assert.False(access.Permits(path, string.Empty), path);
            Assert.True(access.Permits(path, $"Bearer {Token}"), path);
        }
    }

    [Theory]
    [InlineData("Bearer 0123456789abcdef0123456789abcdef", true)]
    [InlineData("bearer 0123456789abcdef0123456789abcdef", true)] // the scheme is case-insensitive (RFC 9110 11.1)
    [InlineData("Bearer  0123456789abcdef0123456789abcdef ", true)]
    [InlineData("Bearer 0123456789abcdef0123456789abcdeF", false)] // the token is not
    [InlineData("Bearer 0123456789abcdef0123456789abcde", false)]
    [InlineData("Bearer 0123456789abcdef0123456789abcdef0", false)]
    [InlineData("Bearer ", false)]
    [InlineData("Basic MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", false)]
    [InlineData("0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    public void The_token_is_compared_exactly_after_the_bearer_scheme(string authorization, bool permitted)
    {
        AdminAccess access = Decide("0.0.0.0:8411", Token, allowUnauthenticated: false);

        Assert.Equal(permitted, access.Permits("/metrics", authorization));
    }

    [Fact]
    public void A_huge_header_is_refused_without_trouble()
    {
        AdminAccess access = Decide("0.0.0.0:8411", Token, allowUnauthenticated: false);

        Assert.False(access.Permits("/metrics", "Bearer " + new string('a', 100_000)));
    }

    private static AdminAccess Decide(string listen, string? token, bool allowUnauthenticated)
    {
        Assert.True(AdminAccess.TryDecide(IPEndPoint.Parse(listen), token, allowUnauthenticated, out AdminAccess? access, out string refusal), refusal);
        return access;
    }
}
