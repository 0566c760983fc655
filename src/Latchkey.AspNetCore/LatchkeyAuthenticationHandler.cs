using System.Text.Encodings.Web;
using Latchkey.AspNetCore.Tokens;
using Latchkey.AspNetCore.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore;

/// <summary>
/// Authenticates a request by its Latchkey access token (RFC 6750 §2.1: the <c>Authorization: Bearer</c> header; no
/// query or form tokens). In order: read the token; refuse one that is not well formed without any lookup; answer from
/// the cache by the token's hash; otherwise ask the server (or its database) and cache a live answer. Challenges and
/// refusals carry RFC 6750 §3's <c>WWW-Authenticate</c>.
/// </summary>
internal sealed class LatchkeyAuthenticationHandler(
    IOptionsMonitor<LatchkeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, IServiceProvider services)
    : AuthenticationHandler<LatchkeyAuthenticationOptions>(options, logger, encoder)
{
    private LatchkeyError? _failure;

    private LatchkeyScheme State => services.GetRequiredKeyedService<LatchkeyScheme>(Scheme.Name);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (presented, failure) = ReadToken();
        if (failure is null && presented is null)
        {
            return AuthenticateResult.NoResult();
        }
        var token = presented.GetValueOrDefault();
        var state = State;
        if (failure is null && !state.Shape.IsWellFormed(token.Span))
        {
            failure = LatchkeyError.Malformed;
        }
        if (failure is not null)
        {
            _failure = failure;
            return AuthenticateResult.Fail(failure.Description);
        }
        // The hit path works on the header's own characters: the token becomes a string only for a lookup.
        var hash = TokenHash.Of(token.Span);
        if (!state.Cache.TryGet(hash, out var validated))
        {
            var generation = state.Cache.Generation;
            if (await state.Source.FindActiveAsync(token.ToString(), hash, Context.RequestAborted) is not { } found)
            {
                _failure = LatchkeyError.Inactive;
                return AuthenticateResult.Fail(_failure.Description);
            }
            state.Cache.Add(hash, found, generation);
            validated = found;
        }
        return AuthenticateResult.Success(new AuthenticationTicket(validated.ToPrincipal(Scheme.Name), Scheme.Name));
    }

    /// <summary>401: no token (no error code, RFC 6750 §3.1), or the reason the token was refused; 400 for two tokens.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        await RespondAsync(_failure ?? LatchkeyError.Missing);
    }

    /// <summary>403: RFC 6750 §3.1 <c>insufficient_scope</c> with the scope needed, when a scope check decided it.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.Items[MissingScope.Key] is string scope
            ? RespondAsync(LatchkeyError.InsufficientScope(scope))
            : base.HandleForbiddenAsync(properties);

    private async Task RespondAsync(LatchkeyError error)
    {
        Response.StatusCode = error.Status;
        Response.Headers.WWWAuthenticate = error.Challenge(Options.Realm);
        if (Options.ErrorBody is { } body)
        {
            await body(error).ExecuteAsync(Context);
        }
    }

    /// <summary>
    /// The token, or null when the request carries none. RFC 9110 §11.1: the scheme is case-insensitive; another
    /// scheme is no Bearer credential (another handler's, perhaps). RFC 6750 §2: a token travels one way per request.
    /// </summary>
    private (ReadOnlyMemory<char>? Token, LatchkeyError? Failure) ReadToken()
    {
        var authorization = Request.Headers.Authorization.ToString();
        ReadOnlyMemory<char>? token = null;
        if (authorization.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase)
            && (authorization.Length == "Bearer".Length || authorization["Bearer".Length] == ' '))
        {
            token = authorization.AsMemory("Bearer".Length).Trim();
        }
        if (Options.AcceptApiKeyHeader && Request.Headers.TryGetValue(LatchkeyDefaults.ApiKeyHeader, out var apiKey))
        {
            return token is not null || apiKey.Count != 1 ? (null, LatchkeyError.TwoTokens) : (apiKey.ToString().AsMemory().Trim(), null);
        }
        return (token, null);
    }
}
