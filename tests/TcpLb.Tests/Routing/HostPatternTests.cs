using System.Text;
using TcpLb.Routing;
using Xunit;

namespace TcpLb.Tests.Routing;

/// <summary>Host patterns: exact or a leading wildcard of one or more labels (nginx's server_name), ASCII case-insensitive.</summary>
public sealed class HostPatternTests
{
    private static HostPattern Parse(string text)
    {
        Assert.True(HostPattern.TryParse(text, out HostPattern? pattern, out string error), error);
        return pattern;
    }

    private static bool Matches(string pattern, string name) => Parse(pattern).Matches(Encoding.ASCII.GetBytes(name));

    [Theory]
    [InlineData("www.example.com", "www.example.com", true)]
    [InlineData("WWW.Example.com", "www.example.com", true)] // the pattern is lower-cased; names come lower-cased
    [InlineData("www.example.com.", "www.example.com", true)] // one trailing dot is the same name
    [InlineData("www.example.com", "example.com", false)]
    [InlineData("www.example.com", "www.example.co", false)]
    [InlineData("www.example.com", "awww.example.com", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)] // one or more labels
    [InlineData("*.example.com", "example.com", false)] // never the apex
    [InlineData("*.example.com", "aexample.com", false)] // on a dot border only
    [InlineData("*.example.com", "a.example.com.evil", false)]
    [InlineData("*.com", "example.com", true)]
    public void A_pattern_matches_its_name_or_the_names_under_its_wildcard(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, Matches(pattern, name));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("*", "a wildcard is a leading '*.' only")]
    [InlineData("www.*.example.com", "a wildcard is a leading '*.' only")]
    [InlineData("w*.example.com", "a wildcard is a leading '*.' only")]
    [InlineData("*.*.example.com", "a wildcard is a leading '*.' only")]
    [InlineData("www.example.com:443", "a name has no port")]
    [InlineData("caf\u00e9.example", "not ASCII")]
    [InlineData("www example.com", "is not a host name")]
    [InlineData("a..b", "is not a host name")]
    [InlineData("*.", "a wildcard is a leading '*.' only")]
    public void A_pattern_that_is_not_a_name_or_a_leading_wildcard_is_refused_with_the_reason(string text, string reason)
    {
        Assert.False(HostPattern.TryParse(text, out _, out string error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.example.com", "www.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "*.b.example.com", true)]
    [InlineData("*.example.com", "*.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.b.example.com", "*.example.com", false)]
    [InlineData("www.example.com", "www.example.com", true)]
    [InlineData("www.example.com", "*.example.com", false)]
    [InlineData("*.example.com", "www.example.org", false)]
    public void Covers_says_when_every_name_one_pattern_matches_the_other_matches_too(string wider, string narrower, bool covers)
    {
        Assert.Equal(covers, Parse(wider).Covers(Parse(narrower)));
    }

    [Fact]
    public void Patterns_that_match_the_same_names_are_equal()
    {
        Assert.Equal(Parse("WWW.example.com."), Parse("www.example.com"));
        Assert.Equal(Parse("*.Example.com").GetHashCode(), Parse("*.example.com").GetHashCode());
        Assert.NotEqual(Parse("*.example.com"), Parse("example.com"));
        Assert.Equal("*.example.com", Parse("*.EXAMPLE.com").ToString());
    }
}
