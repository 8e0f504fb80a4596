namespace ActorRuntime.Gateway.State;

/// <summary>A save as either API delivers it, before store-specific checks.</summary>
public sealed record SaveStateItem(
    string Key,
    byte[] Value,
    string? ETag,
    bool FirstWrite,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record DeleteStateItem(string Key, string? ETag, bool FirstWrite);

/// <summary>One transaction operation: <see cref="Save"/> for upsert, <see cref="Delete"/> for delete.</summary>
public sealed record StateTransactionItem(SaveStateItem? Save, DeleteStateItem? Delete);

public sealed record BulkStateItem(string Key, byte[]? Data, string? ETag, DateTimeOffset? ExpiresAt, string? ContentType, string? Error);

public sealed record StateQueryResponse(IReadOnlyList<(string Key, byte[] Data, string ETag)> Results, string? Token);
