namespace Latchkey.Tokens;

/// <summary>What presenting a refresh token means, read from its own row (RFC 6749 §6, RFC 9700 §4.14.2).</summary>
public enum RefreshVerdict
{
    /// <summary>Live and never used: exchange it for a successor.</summary>
    Rotate,
    /// <summary>Rotated, within the lost-response grace: replace its successor, if that is still unused.</summary>
    ReplaceSuccessor,
    /// <summary>Rotated, and the grace is off or over: revoke the family.</summary>
    Reuse,
    /// <summary>A successor that was replaced during the grace: someone holds it after all, so revoke the family.</summary>
    ReplacedReuse,
    /// <summary>Rotated, and its family has been revoked since: nothing is left to protect.</summary>
    AlreadyRotated,
    Revoked,
    Expired,
}

public static class RefreshVerdicts
{
    /// <summary>The verdict at <paramref name="now"/> with the operator's <paramref name="grace"/> (zero: off).</summary>
    public static RefreshVerdict Judge(this IssuedToken token, DateTimeOffset now, TimeSpan grace) => token switch
    {
        { RevokedAt: not null, RotatedAt: not null } => RefreshVerdict.AlreadyRotated,
        { RevokedAt: not null, ReplacedById: not null } => RefreshVerdict.ReplacedReuse,
        { RevokedAt: not null } => RefreshVerdict.Revoked,
        // The grace counts from the first rotation, so presenting the token again does not stretch it.
        { RotatedAt: { } rotated } when now < rotated + grace => IsExpired(token, now) ? RefreshVerdict.Expired : RefreshVerdict.ReplaceSuccessor,
        { RotatedAt: not null } => RefreshVerdict.Reuse,
        _ when IsExpired(token, now) => RefreshVerdict.Expired,
        _ => RefreshVerdict.Rotate,
    };

    private static bool IsExpired(IssuedToken token, DateTimeOffset now) => token.ExpiresAt <= now;
}
