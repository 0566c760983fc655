namespace Latchkey.Tokens;

/// <summary>
/// The prefix of each token kind. A prefix names what a leaked string is, so secret scanners and
/// people can tell a client id from a refresh token at a glance.
/// </summary>
public sealed record TokenPrefixes(
    string ClientId,
    string ClientSecret,
    string AuthorizationCode,
    string AccessToken,
    string RefreshToken)
{
    public static readonly TokenPrefixes Default = new("lkapp_", "lksec_", "lkc_", "lkat_", "lkrt_");

    /// <summary>FeatureOS seed 004, "Token formats".</summary>
    public static readonly TokenPrefixes FeatureOs = new("foapp_", "fosec_", "fooc_", "foot_", "foor_");

    /// <summary>Operator credentials are not app tokens, so they keep one prefix on every profile.</summary>
    public const string ManagementKey = "lkkey_";
    public const string SystemKey = "lksys_";

    public string For(TokenKind kind) => kind switch
    {
        TokenKind.ClientId => ClientId,
        TokenKind.ClientSecret => ClientSecret,
        TokenKind.AuthorizationCode => AuthorizationCode,
        TokenKind.AccessToken => AccessToken,
        TokenKind.RefreshToken => RefreshToken,
        TokenKind.ManagementKey => ManagementKey,
        TokenKind.SystemKey => SystemKey,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind."),
    };
}
