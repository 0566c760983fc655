namespace Latchkey.Organizations;

/// <summary>A member's role. Order matters: a higher value may do everything a lower one may.</summary>
public enum OrganizationRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}
