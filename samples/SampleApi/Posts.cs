using System.Collections.Concurrent;
using System.Security.Claims;
using Latchkey.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleApi;

public sealed record Post(Guid Id, string Title, string AuthorSubject);

public sealed record NewPost(string Title);

/// <summary>Posts in memory, kept per organization: a token sees only its own organization's posts.</summary>
public sealed class PostStore
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Post>> _byOrganization = new();

    public IReadOnlyList<Post> List(string organization) => [.. _byOrganization.GetOrAdd(organization, _ => new())];

    public Post Add(string organization, Post post)
    {
        _byOrganization.GetOrAdd(organization, _ => new()).Enqueue(post);
        return post;
    }
}

public static class PostsEndpoints
{
    public static IEndpointRouteBuilder MapPosts(this IEndpointRouteBuilder routes)
    {
        var posts = routes.MapGroup("/api/posts").WithTags("Posts");
        posts.MapGet("/", List).RequireScope("posts:read");
        posts.MapPost("/", Create).RequireScope("posts:write");
        return routes;
    }

    private static Ok<IReadOnlyList<Post>> List(ClaimsPrincipal user, PostStore store) =>
        TypedResults.Ok(store.List(user.FindFirstValue(LatchkeyClaimTypes.Organization)!));

    private static Results<Created<Post>, ValidationProblem> Create(NewPost body, ClaimsPrincipal user, PostStore store)
    {
        if (string.IsNullOrWhiteSpace(body.Title))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["title"] = ["A post needs a title."] });
        }
        var post = store.Add(user.FindFirstValue(LatchkeyClaimTypes.Organization)!,
            new Post(Guid.CreateVersion7(), body.Title.Trim(), user.Identity!.Name!));
        return TypedResults.Created($"/api/posts/{post.Id}", post);
    }
}
