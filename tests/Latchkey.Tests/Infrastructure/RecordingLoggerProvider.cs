using System.Collections.Concurrent;
using System.Text;

namespace Latchkey.Tests.Infrastructure;

/// <summary>One log entry as any sink could write it: the message, the exception, every structured value and every scope.</summary>
public sealed record LogRecord(string Category, LogLevel Level, string Text);

/// <summary>
/// A logging provider that keeps everything it is given, for tests that prove what never reaches a log.
/// Register it with <c>services.AddSingleton&lt;ILoggerProvider&gt;(recorder)</c>; configuration addresses it as
/// <c>Logging:Recorder:…</c>. It writes down more than a console would (structured values and scopes too), so
/// what it never saw, no sink could have written.
/// </summary>
[ProviderAlias("Recorder")]
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogRecord> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<LogRecord> Records => _records;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }
            Append(text, state);
            owner._scopes.ForEachScope((scope, builder) => Append(builder, scope), text);
            owner._records.Enqueue(new LogRecord(category, logLevel, text.ToString()));
        }

        private static void Append(StringBuilder text, object? state)
        {
            text.Append('\n').Append(state);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append('\n').Append(key).Append('=').Append(value);
                }
            }
        }
    }
}
