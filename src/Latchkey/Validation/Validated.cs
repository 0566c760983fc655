namespace Latchkey.Validation;

/// <summary>A value, or the reasons it could not be made, keyed by the input field at fault.
/// Every front end (CLI, REST, FUB API, portal) renders the same reasons its own way.</summary>
public sealed class Validated<T>
{
    private Validated(T? value, IReadOnlyDictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }
    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public bool IsValid => Errors.Count == 0;

    public static Validated<T> Ok(T value) => new(value, new Dictionary<string, string[]>());

    public static Validated<T> Fail(IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count > 0 ? new(default, errors) : throw new ArgumentException("A failure needs a reason.", nameof(errors));

    public static Validated<T> Fail(string field, string reason) => Fail(new Dictionary<string, string[]> { [field] = [reason] });

    /// <summary>All reasons on one line, for the CLI's stderr.</summary>
    public string Summary => string.Join(" ", Errors.SelectMany(e => e.Value));
}
