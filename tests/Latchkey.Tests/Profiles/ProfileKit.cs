using System.Text.Json;
using Latchkey.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Tests.Profiles;

/// <summary>What every profile's tests need: a deployment of the profile, and reading its JSON.</summary>
public static class ProfileKit
{
    /// <summary>
    /// A server whose deployment profile is <paramref name="profile"/> (null: the standard one), on <paramref name="clock"/>
    /// when one is given. PBKDF2 is cut to one iteration, as in <see cref="Protocol.SharedServer"/>: these tests sign many
    /// users in, and the real cost proves nothing about a profile. The profile is set over <paramref name="settings"/>.
    /// </summary>
    public static Task<LatchkeyTestServer> StartAsync(string? profile, TimeProvider? clock = null, DatabaseKind kind = DatabaseKind.Sqlite,
        IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(settings ?? []);
        if (profile is not null)
        {
            all["Latchkey:Profile"] = profile;
        }
        return LatchkeyTestServer.StartAsync(kind, all, s =>
        {
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }
            s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1);
            services?.Invoke(s);
        });
    }

    /// <summary>A JSON array of strings. ManagementApiKit has the same, but importing it clashes with <see cref="OAuthClient.JsonAsync"/>.</summary>
    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
