using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Latchkey.Hosting;

namespace Latchkey.Testing;

/// <summary>
/// The real <c>latchkey</c> executable as a child process: what an operator runs. Used where only a
/// process will do: the run command itself, third-party clients on a real port, and kill -9. Shared by
/// the test projects (linked from tests/Shared), so the CLI, interop and browser tests start it the same way.
/// </summary>
public sealed partial class LatchkeyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LatchkeyProcess(Process process) => _process = process;

    /// <summary>Everything the process printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Where the process listens (it binds port 0, so the operating system picks a free one).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public static Task<LatchkeyProcess> ServeAsync(string connectionString, params string[] extraArgs) =>
        ServeInAsync(workingDirectory: null, ["--database", connectionString, .. extraArgs]);

    /// <summary><c>latchkey serve</c> with extra environment variables (<c>Latchkey__…</c> settings that have no flag).</summary>
    public static Task<LatchkeyProcess> ServeAsync(string connectionString, IReadOnlyDictionary<string, string> environment) =>
        ServeInAsync(workingDirectory: null, environment, ["--database", connectionString]);

    /// <summary>
    /// <c>latchkey serve</c> on a free loopback port, run from <paramref name="workingDirectory"/> (null: this
    /// process's), so settings left at their defaults, like the SQLite file <c>latchkey.db</c>, land there.
    /// </summary>
    public static Task<LatchkeyProcess> ServeInAsync(string? workingDirectory, params string[] args) =>
        ServeInAsync(workingDirectory, new Dictionary<string, string>(), args);

    private static async Task<LatchkeyProcess> ServeInAsync(string? workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = StartInfo(environment, ["serve", "--urls", "http://127.0.0.1:0", .. args]);
        start.WorkingDirectory = workingDirectory ?? "";
        var process = new LatchkeyProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.Record(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Record(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        process.BaseAddress = new Uri(await process._listening.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        return process;
    }

    /// <summary>Runs <c>latchkey</c> to its end with extra environment variables: for a command expected to refuse to start.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary><c>dotnet latchkey.dll <paramref name="args"/></c> with its output captured and <paramref name="environment"/> added.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Prepend(typeof(LatchkeyServer).Assembly.Location))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no '{text}' in:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Kills the server with SIGKILL (what <see cref="Process.Kill()"/> sends on Linux): no shutdown hook, no
    /// flush, the crash of DESIGN.md rule 8. The signal reaches the server itself: <c>dotnet latchkey.dll</c>
    /// hosts the runtime in its own process, unlike <c>dotnet run</c>, which would leave its child running.
    /// </summary>
    /// <returns>The exit code: 137 (128 + SIGKILL) proves the server died of the signal.</returns>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups[1].Value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
