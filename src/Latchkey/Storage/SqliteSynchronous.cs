namespace Latchkey.Storage;

/// <summary>
/// <c>Latchkey:SqliteSynchronous</c>: when an SQLite commit waits for the disk (https://www.sqlite.org/pragma.html#pragma_synchronous;
/// the file is always in WAL mode). Both keep every commit through a crash of the process (kill -9): a commit has written its
/// frames to the WAL file, in the operating system's cache, before the response goes out. They differ on a power loss or an
/// operating-system crash.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// The default: each commit syncs the WAL (one fsync per token set issued), so even a power loss keeps it. Without
    /// that, a power loss could roll back the last commits, which here would resurrect what a revocation had ended (an
    /// uninstall, a reuse-revoked family) and forget tokens a client already holds (DESIGN.md rule 8).
    /// </summary>
    Full,

    /// <summary>
    /// Syncs only at checkpoints: 1.2–1.4 times the token endpoint's throughput here (README "Benchmarks"), and still nothing
    /// lost when the process dies, but a power loss may roll the database back to its last checkpoint. For disposable
    /// databases, or disks whose writes survive power loss.
    /// </summary>
    Normal,
}
