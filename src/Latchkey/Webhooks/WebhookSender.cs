using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Latchkey.Apps;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>What one attempt came to. <see cref="Succeeded"/> only for a 2xx answer (a redirect is a failure).</summary>
public sealed record AttemptResult(bool Succeeded, int? StatusCode, TimeSpan Latency, string? Error, string? ResponseExcerpt);

/// <summary>
/// Makes one attempt: POSTs the delivery's body, signed (<see cref="WebhookSignature"/>), within
/// <see cref="WebhookOptions.AttemptTimeout"/>, and reads at most <see cref="WebhookOptions.ResponseExcerptBytes"/> of the answer.
/// </summary>
public sealed class WebhookSender(WebhookHttp http, IOptions<WebhookOptions> options)
{
    public async Task<AttemptResult> SendAsync(string url, WebhookDelivery delivery, IReadOnlyList<byte[]> keys,
        DateTimeOffset timestamp, CancellationToken ct)
    {
        var settings = options.Value;
        if (Refusal(url, settings) is { } refusal)
        {
            return new AttemptResult(false, null, TimeSpan.Zero, refusal, null);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, delivery.MessageId);
        request.Headers.Add(WebhookSignature.TimestampHeader, WebhookSignature.Timestamp(timestamp));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(delivery.MessageId, timestamp, delivery.Payload, keys));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(settings.AttemptTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ExcerptAsync(response.Content, settings.ResponseExcerptBytes, deadline.Token);
            var status = (int)response.StatusCode;
            var succeeded = response.IsSuccessStatusCode;
            return new AttemptResult(succeeded, status, Stopwatch.GetElapsedTime(started),
                succeeded ? null : $"HTTP {status}{Location(response.Headers)}", excerpt);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(false, null, Stopwatch.GetElapsedTime(started), $"No answer within {settings.AttemptTimeout.TotalSeconds:0.#} s.", null);
        }
        catch (HttpRequestException e)
        {
            var cause = e.InnerException as WebhookTargetRefusedException;
            return new AttemptResult(false, null, Stopwatch.GetElapsedTime(started), cause?.Message ?? $"Could not connect: {e.Message}", null);
        }
    }

    /// <summary>https only; plain http to a loopback host when the operator allows loopback (development).</summary>
    public static string? Refusal(string url, WebhookOptions settings) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && settings.AllowLoopback && RedirectUriRules.IsLoopback(uri)))
            ? null
            : "The webhook URL must be https.";

    private static string Location(HttpResponseHeaders headers) =>
        headers.Location is { } location ? $" (redirects are not followed: {location})" : "";

    private static async Task<string?> ExcerptAsync(HttpContent content, int limit, CancellationToken ct)
    {
        await using var body = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[limit];
        var read = 0;
        int n;
        while (read < limit && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }
        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
