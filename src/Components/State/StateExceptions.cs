namespace ActorRuntime.Components.State;

/// <summary>The ETag given does not match the stored one, or a first-write found the key present (Dapr: 409 / Aborted).</summary>
public sealed class ETagMismatchException(string key)
    : Exception($"possible etag mismatch. error from state store: ETag mismatch for key {key}")
{
    public string Key { get; } = key;
}

/// <summary>The ETag is not in this store's format (Dapr: 400 / InvalidArgument).</summary>
public sealed class ETagInvalidException(string key, string etag)
    : Exception($"invalid etag value '{etag}' for key {key}")
{
    public string Key { get; } = key;
}

/// <summary>A transaction has more operations than the store accepts (Dapr: 400 ERR_STATE_STORE_TOO_MANY_TRANSACTIONS).</summary>
public sealed class TooManyOperationsException(int count, int max)
    : Exception($"the transaction contains {count} operations, which is more than the maximum of {max} allowed by the state store")
{
    public int Max { get; } = max;
}
