namespace Latchkey.Webhooks;

/// <summary>Wakes this process's delivery worker when there is work, so a published event goes out without waiting for the next poll.</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake-pending: one wake-up covers any number of events.
        }
    }

    /// <summary>Waits for <see cref="Wake"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}
