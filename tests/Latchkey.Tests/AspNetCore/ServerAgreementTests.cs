using System.Buffers.Text;
using Latchkey.AspNetCore.Tokens;
using Latchkey.Profiles;
using Latchkey.Tokens;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// Latchkey.AspNetCore may not reference the server, so it restates three of the server's rules: the token shape
/// (TokenCodec.IsWellFormed and every profile's access-token prefix), the token hash (TokenCodec.Hash) and the scope
/// implications. These tests hold each restatement to the server's own code.
/// </summary>
public sealed class ServerAgreementTests
{
    private static readonly AccessTokenShape Shape = new([]);

    public static TheoryData<string> EveryProfilesAccessPrefix =>
        [.. Enum.GetValues<ProfileName>().Select(p => ProfileTokenPrefixes.For(p).AccessToken).Distinct()];

    [Theory, MemberData(nameof(EveryProfilesAccessPrefix))]
    public void MintedAccessToken_OfEveryProfile_IsWellFormed(string prefix)
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.True(Shape.IsWellFormed(TokenCodec.Mint(prefix)));
        }
    }

    [Fact]
    public void BuiltInPrefixes_AreExactlyTheProfilesAccessPrefixes() =>
        Assert.Equal(EveryProfilesAccessPrefix.Select(row => row.Data).Order(), AccessTokenShape.BuiltInPrefixes.Order());

    public static TheoryData<string> NotAccessTokens => [.. new[]
    {
        TokenCodec.Mint(TokenPrefixes.Default.RefreshToken),
        TokenCodec.Mint(TokenPrefixes.FeatureOs.RefreshToken),
        TokenCodec.Mint(TokenPrefixes.Default.AuthorizationCode),
        TokenCodec.Mint(TokenPrefixes.Default.ClientSecret),
        TokenCodec.Mint(TokenPrefixes.ManagementKey),
        "lkat_" + TokenCodec.Mint("x")[1..],
        TokenCodec.Mint(TokenPrefixes.Default.AccessToken)[..^1] + "!",
        TokenCodec.Mint(TokenPrefixes.Default.AccessToken) + "0",
        "",
        "lkat_",
    }];

    [Theory, MemberData(nameof(NotAccessTokens))]
    public void NotAnAccessToken_IsNotWellFormed(string token)
    {
        Assert.False(Shape.IsWellFormed(token));
        Assert.False(TokenCodec.IsWellFormed(token, TokenPrefixes.Default.AccessToken) && Shape.IsWellFormed(token));
    }

    [Fact]
    public void ChecksumMismatch_AtAnyPosition_IsNotWellFormed()
    {
        var token = TokenCodec.Mint(TokenPrefixes.Default.AccessToken);
        for (var i = "lkat_".Length; i < token.Length; i++)
        {
            var changed = token[..i] + (token[i] == 'a' ? 'b' : 'a') + token[(i + 1)..];
            Assert.Equal(TokenCodec.IsWellFormed(changed, "lkat_"), Shape.IsWellFormed(changed));
        }
    }

    [Fact]
    public void AdditionalPrefix_IsAccepted()
    {
        var token = TokenCodec.Mint("acme_at_");

        Assert.False(Shape.IsWellFormed(token));
        Assert.True(new AccessTokenShape(["acme_at_"]).IsWellFormed(token));
    }

    [Fact]
    public void TokenHash_IsTokenCodecHash_AndParsesFromTheFeedsBase64Url()
    {
        var token = TokenCodec.Mint(TokenPrefixes.Default.AccessToken);
        var server = TokenCodec.Hash(token);

        Assert.Equal(server, TokenHash.Of(token).ToBytes());
        Assert.True(TokenHash.TryParse(Base64Url.EncodeToString(server), out var parsed));
        Assert.Equal(TokenHash.Of(token), parsed);
        // Standard base64's '+' and '/' are not the feed's alphabet. (Its padding is no test: base64url decoders accept it.)
        Assert.False(TokenHash.TryParse(new string('+', 43), out _));
        Assert.False(TokenHash.TryParse("AAAA", out _));
    }

    [Theory]
    [InlineData("manage.secrets read.projects")]
    [InlineData("posts:read posts:write")]
    [InlineData("manage.teams manage.projects delete.teams")]
    [InlineData("manage.")]
    public void ScopeImplications_ExpandAsTheServers(string granted)
    {
        var scopes = granted.Split(' ');

        Assert.Equal(Latchkey.Scopes.ScopeImplications.Expand(scopes), Latchkey.AspNetCore.Tokens.ScopeImplications.Expand(scopes));
    }
}
