using Latchkey.AspNetCore.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Validation;

/// <summary>
/// What one Latchkey authentication scheme keeps for the life of the app: its options, the token shape it accepts,
/// its cache, where it looks tokens up, and its connection to the server. A keyed singleton, keyed by scheme name.
/// </summary>
internal sealed class LatchkeyScheme : IDisposable
{
    public LatchkeyScheme(string name, IOptionsMonitor<LatchkeyAuthenticationOptions> monitor, TimeProvider clock)
    {
        Name = name;
        Options = monitor.Get(name);
        Shape = new AccessTokenShape(Options.AdditionalTokenPrefixes);
        Cache = new TokenCache(Options, clock);
        Backchannel = new LatchkeyBackchannel(Options);
        Source = Options.Mode == LatchkeyValidationMode.Direct
            ? new DirectTokenSource(Options, clock)
            : new IntrospectionTokenSource(Backchannel, Options);
    }

    public string Name { get; }
    public LatchkeyAuthenticationOptions Options { get; }
    public AccessTokenShape Shape { get; }
    public TokenCache Cache { get; }
    public LatchkeyBackchannel Backchannel { get; }
    public ITokenSource Source { get; }

    public void Dispose() => Backchannel.Dispose();
}
