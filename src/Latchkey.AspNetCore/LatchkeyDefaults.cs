namespace Latchkey.AspNetCore;

public static class LatchkeyDefaults
{
    /// <summary>The authentication scheme <c>AddLatchkey()</c> registers unless told another name.</summary>
    public const string AuthenticationScheme = "Latchkey";

    /// <summary>Onboardbase clients send their API key as <c>API_KEY: &lt;key&gt;</c> (seed 003); off unless <see cref="LatchkeyAuthenticationOptions.AcceptApiKeyHeader"/>.</summary>
    public const string ApiKeyHeader = "API_KEY";
}
