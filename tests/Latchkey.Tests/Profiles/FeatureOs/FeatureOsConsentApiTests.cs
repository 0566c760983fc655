using System.Net.Http.Headers;
using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// FeatureOS's JSON consent API (FACTS.md "FeatureOS", "Authorize" and "Consent"): <c>GET /oauth/authorize</c> with
/// <c>Accept: application/json</c> answers the consent metadata, <c>POST /oauth/authorize/consent</c> answers
/// <c>{redirect_to}</c>. The same flow as the HTML page decides, so every refusal installs nothing and issues no code.
/// </summary>
public sealed class FeatureOsConsentApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private LatchkeyTestServer Server => shared.Server;

    /// <summary>A FeatureOS app of its own owner organization: both actors, posts read and write, comments read.</summary>
    private async Task<(string ClientId, string Secret)> AppAsync(Func<AppDraft, AppDraft>? change = null)
    {
        var owner = await Server.OrganizationAsync();
        var draft = new AppDraft
        {
            Name = "My Integration",
            Description = "Syncs your feedback into Jira.",
            LogoUrl = "https://myapp.example/logo.png",
            RedirectUris = [FeatureOsKit.Callback],
            Scopes = ["posts:read", "posts:write", "comments:read"],
            ActorModes = [ActorMode.Self, ActorMode.App],
            Profile = Latchkey.Profiles.ProfileName.FeatureOs,
        };
        var created = await Server.AppAsync(owner.Id, change is null ? draft : change(draft));
        return (created.App.ClientId, created.Secret!.Plaintext);
    }

    private static (string, string)[] Query(string clientId, params (string Key, string Value)[] extra)
    {
        (string Key, string Value)[] defaults = [("client_id", clientId), ("redirect_uri", FeatureOsKit.Callback),
            ("scope", "posts:read posts:write"), ("actor", "self"), ("state", "xyz")];
        return [.. defaults.Where(d => !extra.Any(e => e.Key == d.Key)), .. extra.Where(e => e.Value.Length > 0)];
    }

    private static string ConsentBody(string clientId, Guid organization, string extra = "") => $$"""
        {"client_id": "{{clientId}}", "redirect_uri": "{{FeatureOsKit.Callback}}", "scope": "posts:read posts:write",
         "actor": "self", "state": "xyz", "target_organization_id": "{{organization}}"{{extra}}}
        """;

    private static readonly AppState Untouched = new(0, 0, 0, 0, 0, 0);

    [Fact]
    public async Task Metadata_SignedOut_Is401LoginRequired_WithTheWayBack_NotARedirect()
    {
        var (clientId, _) = await AppAsync();

        using var response = await Server.CreateClient().MetadataAsync(Query(clientId));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.JsonAsync();
        Assert.Equal("login_required", body.GetProperty("error").GetString());
        var login = new Uri(new Uri(FeatureOsKit.Issuer), body.GetProperty("login_url").GetString());
        Assert.Equal("/account/login", login.AbsolutePath);
        var back = QueryHelpers.ParseQuery(login.Query)["ReturnUrl"].ToString();
        AuthorizeKit.AssertSameRequest(QueryHelpers.AddQueryString("/oauth/authorize",
            Query(clientId).Select(q => KeyValuePair.Create(q.Item1, (string?)q.Item2))), back);
    }

    [Fact]
    public async Task Metadata_ABrowsersAccept_StillGetsTheHtmlConsentPage()
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);
        var request = new HttpRequestMessage(HttpMethod.Get, QueryHelpers.AddQueryString("/oauth/authorize",
            Query(clientId).Select(q => KeyValuePair.Create(q.Item1, (string?)q.Item2))));
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8");

        using var response = await user.Http.SendAsync(request, FeatureOsKit.Ct);

        var (html, form) = await response.AssertConsentPageAsync();
        Assert.Contains("My Integration", html, StringComparison.Ordinal);
        Assert.Equal([user.Organization.Id], form.Organizations);
    }

    /// <summary>
    /// The same URL answers HTML or JSON by Accept, so every answer says <c>Vary: Accept</c> (RFC 9110 §12.5.5):
    /// a cache must never serve the page for the JSON or the JSON for the page — consent, sign-in, error, redirect alike.
    /// </summary>
    [Theory]
    [InlineData("application/json", true, "")]
    [InlineData("text/html", true, "")]
    [InlineData("", true, "")]
    [InlineData("application/json", false, "")]
    [InlineData("text/html", false, "")]
    [InlineData("application/json", true, "https://evil.example/callback")]
    [InlineData("text/html", true, "https://evil.example/callback")]
    [InlineData("text/html", true, "prompt=none-with-consent")]
    public async Task Authorize_EveryAnswer_VariesByAccept(string accept, bool signedIn, string change)
    {
        var (clientId, _) = await AppAsync();
        var http = signedIn ? (await Server.SignedInAsync(OrganizationRole.Owner)).Http : Server.CreateClient();
        var query = change switch
        {
            "" => Query(clientId),
            "prompt=none-with-consent" => Query(clientId, ("prompt", "none consent")),
            _ => Query(clientId, ("redirect_uri", change)),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, QueryHelpers.AddQueryString("/oauth/authorize",
            query.Select(q => KeyValuePair.Create(q.Item1, (string?)q.Item2))));
        if (accept.Length > 0)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await http.SendAsync(request, FeatureOsKit.Ct);

        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Theory]
    [InlineData("client_id", "foapp_unknown")]
    [InlineData("client_id", "")]
    [InlineData("redirect_uri", "https://evil.example/callback")]
    [InlineData("redirect_uri", "https://myapp.example/callback/")]
    public async Task Metadata_ClientOrRedirectUriInDoubt_Is400_WithNoRedirectTo(string parameter, string value)
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.MetadataAsync(Query(clientId, (parameter, value)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(["error", "error_description"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("scope", "posts:read tags:write", "invalid_scope")]
    [InlineData("actor", "robot", "invalid_request")]
    [InlineData("response_type", "token", "unsupported_response_type")]
    [InlineData("code_challenge", "too-short", "invalid_request")]
    public async Task Metadata_ErrorForTheClient_AnswersRedirectToWithTheErrorAndState(string parameter, string value, string error)
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.MetadataAsync(Query(clientId, (parameter, value)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(error, body.GetProperty("error").GetString());
        var redirect = FeatureOsKit.RedirectParameters(body.GetProperty("redirect_to").GetString()!);
        Assert.Equal(error, redirect["error"]);
        Assert.Equal("xyz", redirect["state"]);
        Assert.Equal(FeatureOsKit.Issuer, redirect["iss"]);
        Assert.DoesNotContain("code", redirect.Keys);
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    [Theory]
    [InlineData("posts:read,comments:read", new[] { "posts:read", "comments:read" })]
    [InlineData("posts:read, comments:read", new[] { "posts:read", "comments:read" })]
    [InlineData("", new[] { "posts:read", "posts:write", "comments:read" })]
    public async Task Metadata_Scope_IsSpaceOrCommaSeparated_AndDefaultsToTheDeclaredScopes(string scope, string[] expected)
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.MetadataAsync(Query(clientId, ("scope", scope)));

        var body = await response.JsonAsync();
        Assert.Equal(expected, body.GetProperty("scopes").Strings());
        Assert.Equal(expected, body.GetProperty("scope_details").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Metadata_ForAMember_ActorSelf_OffersTheReadScopesOnly()
    {
        var (clientId, _) = await AppAsync();
        var member = await Server.SignedInAsync(OrganizationRole.Member);

        using var response = await member.Http.MetadataAsync(Query(clientId));

        var organization = Assert.Single((await response.JsonAsync()).GetProperty("eligible_organizations").EnumerateArray());
        Assert.Equal("member", organization.GetProperty("role").GetString());
        Assert.Equal(["posts:read"], organization.GetProperty("grantable_scopes").Strings());
    }

    [Fact]
    public async Task Metadata_ActorApp_OffersOnlyOrganizationsTheUserAdministers()
    {
        var (clientId, _) = await AppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var elsewhere = await Server.OrganizationAsync();
        await Server.AddMembershipAsync(admin.UserId, elsewhere.Id, OrganizationRole.Member);
        var member = await Server.SignedInAsync(OrganizationRole.Member);

        using var adminResponse = await admin.Http.MetadataAsync(Query(clientId, ("actor", "app")));
        using var memberResponse = await member.Http.MetadataAsync(Query(clientId, ("actor", "app")));

        var offered = (await adminResponse.JsonAsync()).GetProperty("eligible_organizations").EnumerateArray().ToList();
        Assert.Equal([admin.Organization.Id], offered.Select(o => o.GetProperty("id").GetGuid()));
        Assert.Equal(["posts:read", "posts:write"], offered[0].GetProperty("grantable_scopes").Strings());
        Assert.Equal("access_denied", (await memberResponse.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Metadata_AfterConsent_IsRemembered_UnlessPromptConsent()
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);
        await user.ApproveAsync(clientId, "self");

        using var again = await user.Http.MetadataAsync(Query(clientId));
        using var asked = await user.Http.MetadataAsync(Query(clientId, ("prompt", "consent")));

        var redirect = FeatureOsKit.RedirectParameters((await again.JsonAsync()).GetProperty("redirect_to").GetString()!);
        Assert.StartsWith("fooc_", redirect["code"], StringComparison.Ordinal);
        Assert.Equal("xyz", redirect["state"]);
        Assert.True((await asked.JsonAsync()).TryGetProperty("eligible_organizations", out _));
    }

    [Fact]
    public async Task Consent_Deny_AnswersRedirectToAccessDenied_WithState_AndInstallsNothing()
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.ConsentAsync(
            $$"""{"client_id": "{{clientId}}", "redirect_uri": "{{FeatureOsKit.Callback}}", "actor": "self", "state": "xyz", "decision": "deny"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        var redirect = FeatureOsKit.RedirectParameters(body.GetProperty("redirect_to").GetString()!);
        Assert.Equal(("access_denied", "xyz"), (redirect["error"], redirect["state"]));
        Assert.DoesNotContain("code", redirect.Keys);
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    [Fact]
    public async Task Consent_SignedOut_Is401LoginRequired_AndInstallsNothing()
    {
        var (clientId, _) = await AppAsync();
        var organization = await Server.OrganizationAsync();

        using var response = await Server.CreateClient().ConsentAsync(ConsentBody(clientId, organization.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("login_required", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    /// <summary>DESIGN.md rule 6: what another site's page could post with the user's cookie (a form, text/plain) is refused unread.</summary>
    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task Consent_WithoutAJsonContentType_Is415_AndInstallsNothing(string contentType)
    {
        var (clientId, _) = await AppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Owner);
        var content = new StringContent(ConsentBody(clientId, user.Organization.Id));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await user.Http.PostAsync("/oauth/authorize/consent", content, FeatureOsKit.Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    public static TheoryData<string, string> RefusedBodies => new()
    {
        { "no target organization", """{"client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "actor": "self"}""" },
        { "a decision that is neither", """{"client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "target_organization_id": "{org}", "decision": "maybe"}""" },
        { "an event the app did not subscribe to", """{"client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "target_organization_id": "{org}", "granted_webhook_events": ["post_deleted"]}""" },
        { "an unknown field", """{"client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "target_organization_id": "{org}", "organization": "{org}"}""" },
        { "a repeated field", """{"client_id": "{client}", "client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "target_organization_id": "{org}"}""" },
        { "a numeric organization id", """{"client_id": "{client}", "redirect_uri": "https://myapp.example/callback", "target_organization_id": 7}""" },
        { "not an object", """[]""" },
        { "an unknown client", """{"client_id": "foapp_unknown", "redirect_uri": "https://myapp.example/callback", "target_organization_id": "{org}"}""" },
        { "an unregistered redirect URI", """{"client_id": "{client}", "redirect_uri": "https://evil.example/callback", "target_organization_id": "{org}"}""" },
        { "no redirect URI", """{"client_id": "{client}", "target_organization_id": "{org}"}""" },
    };

    [Theory, MemberData(nameof(RefusedBodies))]
    public async Task Consent_MalformedOrUntrustworthy_Is400_WithNoRedirectTo_AndInstallsNothing(string because, string template)
    {
        var (clientId, _) = await AppAsync(d => d with
        {
            Scopes = ["posts:read", "webhooks:manage"],
            WebhookUrl = "https://myapp.example/hooks",
            WebhookEvents = ["post_created", "post_updated"],
            RedirectUris = [FeatureOsKit.Callback, "https://myapp.example/other"],
        });
        var user = await Server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.ConsentAsync(template.Replace("{client}", clientId, StringComparison.Ordinal)
            .Replace("{org}", user.Organization.Id.ToString(), StringComparison.Ordinal));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, because);
        var body = await response.JsonAsync();
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("redirect_to", out _), because);
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    public static TheoryData<string, string, string> RefusedConsents => new()
    {
        { "an organization the user is not in", """{"target_organization_id": "{stranger}", "actor": "self"}""", "access_denied" },
        { "a member installing the bot", """{"target_organization_id": "{org}", "actor": "app"}""", "access_denied" },
        { "a scope the app did not declare", """{"target_organization_id": "{org}", "actor": "self", "scope": "posts:read tags:read"}""", "invalid_scope" },
        { "an actor the app does not allow", """{"target_organization_id": "{org}", "actor": "self"}""", "invalid_request" },
    };

    [Theory, MemberData(nameof(RefusedConsents))]
    public async Task Consent_RefusedByTheFlow_AnswersRedirectToWithTheError_AndInstallsNothing(string because, string fields, string error)
    {
        var (clientId, _) = await AppAsync(d => because.StartsWith("an actor", StringComparison.Ordinal) ? d with { ActorModes = [ActorMode.App] } : d);
        var member = await Server.SignedInAsync(OrganizationRole.Member);
        var stranger = await Server.OrganizationAsync();
        var extra = fields.Replace("{org}", member.Organization.Id.ToString(), StringComparison.Ordinal)
            .Replace("{stranger}", stranger.Id.ToString(), StringComparison.Ordinal);
        // The request's own fields, then the case's: its object without the opening brace.
        var body = $$"""{"client_id": "{{clientId}}", "redirect_uri": "{{FeatureOsKit.Callback}}", "state": "xyz", {{extra[1..]}}""";

        using var response = await member.Http.ConsentAsync(body);

        Assert.True(response.StatusCode == HttpStatusCode.OK, because);
        var answer = await response.JsonAsync();
        Assert.Equal(error, answer.GetProperty("error").GetString());
        var redirect = FeatureOsKit.RedirectParameters(answer.GetProperty("redirect_to").GetString()!);
        Assert.Equal((error, "xyz"), (redirect["error"], redirect["state"]));
        Assert.Equal(Untouched, await Server.StateAsync(clientId));
    }

    [Fact]
    public async Task Consent_ByAMember_ActorSelf_GrantsTheReadScopesOnly()
    {
        var (clientId, secret) = await AppAsync();
        var member = await Server.SignedInAsync(OrganizationRole.Member);

        var code = await member.ApproveAsync(clientId, "self");

        var (status, body, response) = await Server.ExchangeCodeAsync(clientId, secret, code);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posts:read", body.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Consent_GrantedWebhookEvents_ASubsetOfTheSubscribed_IsAcceptedAndRecorded()
    {
        var (clientId, _) = await AppAsync(d => d with
        {
            Scopes = ["posts:read", "webhooks:manage"],
            WebhookUrl = "https://myapp.example/hooks",
            WebhookEvents = ["post_created", "post_updated"],
        });
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);

        using var response = await admin.Http.ConsentAsync($$"""
            {"client_id": "{{clientId}}", "redirect_uri": "{{FeatureOsKit.Callback}}", "actor": "app", "scope": "posts:read webhooks:manage",
             "target_organization_id": "{{admin.Organization.Id}}", "granted_webhook_events": ["post_updated"]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("fooc_", FeatureOsKit.RedirectParameters((await response.JsonAsync()).GetProperty("redirect_to").GetString()!)["code"], StringComparison.Ordinal);
        Assert.Equal(["post_updated"], await GrantedWebhookEventsAsync(clientId, admin.Organization.Id));

        // Consent without the field grants every subscribed event (FeatureOS, "App Webhooks").
        using var again = await admin.Http.ConsentAsync($$"""
            {"client_id": "{{clientId}}", "redirect_uri": "{{FeatureOsKit.Callback}}", "actor": "app", "scope": "posts:read webhooks:manage",
             "target_organization_id": "{{admin.Organization.Id}}"}
            """);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["post_created", "post_updated"], await GrantedWebhookEventsAsync(clientId, admin.Organization.Id));
    }

    private Task<List<string>> GrantedWebhookEventsAsync(string clientId, Guid organizationId) =>
        Server.WithDbAsync(db => (
            from installation in db.Installations
            join app in db.Apps on installation.AppId equals app.Id
            where app.ClientId == clientId && installation.OrganizationId == organizationId && installation.RevokedAt == null
            select installation.GrantedWebhookEvents).SingleAsync());
}
