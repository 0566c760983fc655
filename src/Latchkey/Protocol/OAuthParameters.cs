using Microsoft.Extensions.Primitives;

namespace Latchkey.Protocol;

/// <summary>
/// Request parameters with the rules RFC 6749 §3.1 and §3.2 set for every endpoint: a parameter
/// sent more than once is an error, never merged or first-wins (DESIGN.md rule 3), and a parameter
/// sent empty counts as absent.
/// </summary>
public sealed class OAuthParameters
{
    /// <summary>Longer values are refused outright: nothing legitimate in OAuth comes near it.</summary>
    public const int MaxValueLength = 4096;

    private readonly Dictionary<string, string> _values;

    private OAuthParameters(Dictionary<string, string> values) => _values = values;

    public static OAuthParameters Empty { get; } = new([]);

    public string? this[string name] => _values.GetValueOrDefault(name);

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parameters, or the error naming the first parameter that was repeated or oversized.</summary>
    public static (OAuthParameters? Parameters, OAuthError? Error) From(IEnumerable<KeyValuePair<string, StringValues>> source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in source)
        {
            if (value.Count > 1)
            {
                return (null, OAuthError.InvalidRequest($"The parameter '{name}' was sent more than once."));
            }
            var text = value.ToString();
            if (text.Length > MaxValueLength)
            {
                return (null, OAuthError.InvalidRequest($"The parameter '{name}' is longer than {MaxValueLength} characters."));
            }
            if (text.Length > 0)
            {
                values[name] = text;
            }
        }
        return (new OAuthParameters(values), null);
    }
}
