using Latchkey.AspNetCore.Tokens;

namespace Latchkey.AspNetCore.Validation;

/// <summary>Where a token the cache does not hold is checked: the Latchkey server, or its database.</summary>
internal interface ITokenSource
{
    /// <summary>The token when it is a live access token; null when it is unknown, expired, revoked or its installation or app is gone.</summary>
    Task<ValidatedToken?> FindActiveAsync(string token, TokenHash hash, CancellationToken ct);
}
