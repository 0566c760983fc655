using Latchkey.Tokens;

namespace Latchkey.Tests.Tokens;

public sealed class TokenCodecTests
{
    [Theory]
    [InlineData("lkat_")]
    [InlineData("foot_")]
    [InlineData("lkkey_")]
    public void Mint_IsWellFormedUnderItsOwnPrefix(string prefix)
    {
        var token = TokenCodec.Mint(prefix);

        Assert.StartsWith(prefix, token, StringComparison.Ordinal);
        Assert.Equal(prefix.Length + TokenCodec.BodyLength, token.Length);
        Assert.True(TokenCodec.IsWellFormed(token, prefix));
        Assert.All(token[prefix.Length..], c => Assert.True(char.IsAsciiLetterOrDigit(c)));
    }

    [Fact]
    public void Mint_CarriesAtLeast256RandomBits()
    {
        // 43 base62 characters hold 256 bits; a thousand tokens never collide and use the whole alphabet.
        var tokens = Enumerable.Range(0, 1000).Select(_ => TokenCodec.Mint("lkat_")).ToList();

        Assert.Equal(1000, tokens.Distinct().Count());
        Assert.True(TokenCodec.BodyLength >= 43);
        Assert.Equal(62, tokens.SelectMany(t => t[5..]).Distinct().Count());
    }

    [Fact]
    public void IsWellFormed_RejectsEveryOneCharacterChange()
    {
        var token = TokenCodec.Mint("lkrt_");
        for (var i = "lkrt_".Length; i < token.Length; i++)
        {
            var changed = token[..i] + (token[i] == 'a' ? 'b' : 'a') + token[(i + 1)..];
            Assert.False(TokenCodec.IsWellFormed(changed, "lkrt_"), $"a change at {i} went unnoticed");
        }
    }

    public static TheoryData<string> Garbage => new()
    {
        "",
        "lkat_",
        "lkat_short",
        "Bearer lkat_x",
        "lkrt_" + new string('A', TokenCodec.BodyLength),
        "lkat_" + new string('A', TokenCodec.BodyLength),
        "lkat_" + new string('-', TokenCodec.BodyLength),
        "lkat_" + new string('A', TokenCodec.BodyLength + 1),
    };

    [Theory, MemberData(nameof(Garbage))]
    public void IsWellFormed_RejectsGarbage(string candidate) =>
        Assert.False(TokenCodec.IsWellFormed(candidate, "lkat_"));

    [Fact]
    public void IsWellFormed_RejectsNull() => Assert.False(TokenCodec.IsWellFormed(null, "lkat_"));

    [Fact]
    public void IsWellFormed_RejectsAnotherKindsPrefix()
    {
        var refresh = TokenCodec.Mint("lkrt_");
        Assert.False(TokenCodec.IsWellFormed(refresh, "lkat_"));
        Assert.False(TokenCodec.IsWellFormed("lkat_" + refresh["lkrt_".Length..], "lkat_"));
    }

    [Fact]
    public void Hash_IsSha256OfTheWholeToken()
    {
        var token = TokenCodec.Mint("lksec_");
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), TokenCodec.Hash(token));
        Assert.NotEqual(TokenCodec.Hash(token), TokenCodec.Hash(TokenCodec.Mint("lksec_")));
    }
}
