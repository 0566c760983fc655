namespace Latchkey.AspNetCore;

/// <summary>How a token unknown to the cache is checked (DESIGN.md "Resource servers").</summary>
public enum LatchkeyValidationMode
{
    /// <summary>RFC 7662 introspection at <c>{Authority}/oauth/introspect</c>: for an API that lives anywhere.</summary>
    Introspection,

    /// <summary>One indexed query by token hash on Latchkey's own database: for an API deployed beside it.</summary>
    Direct,
}
