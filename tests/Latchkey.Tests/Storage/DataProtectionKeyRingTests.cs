using Latchkey.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Storage;

/// <summary>
/// Data Protection's key ring lives in the database, so every process of a deployment reads what another encrypted
/// (sign-in cookies, webhook signing secrets), and a server on fresh disk loses nothing.
/// </summary>
public sealed class DataProtectionKeyRingTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WhatOneServerProtects_AnotherOnTheSameDatabaseReads(DatabaseKind kind)
    {
        await using var first = await LatchkeyTestServer.StartAsync(kind);
        await using var second = await LatchkeyTestServer.AttachAsync(first.ConnectionString);
        const string purpose = "Latchkey.Tests.KeyRing";

        var protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("whsec_example");

        Assert.Equal("whsec_example", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(protectedText));
        Assert.True(await first.WithDbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }
}
