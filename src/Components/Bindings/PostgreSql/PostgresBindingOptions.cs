using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.PostgreSql;

/// <summary><c>bindings.postgresql</c> metadata, validated at construction: the connection and <c>timeout</c> (default 20s).</summary>
internal sealed record PostgresBindingOptions(string ConnectionString, TimeSpan Timeout)
{
    public static PostgresBindingOptions FromMetadata(ComponentMetadata metadata)
    {
        var builder = PostgresComponentConnection.FromMetadata(metadata);
        // Dapr's "timeout" (alias timeoutInSeconds) bounds connecting at init; each statement is bounded by the caller.
        var field = metadata.GetString("timeout") is { Length: > 0 } ? "timeout" : "timeoutInSeconds";
        var timeout = metadata.GetDuration(field) ?? TimeSpan.FromSeconds(20);
        if (timeout <= TimeSpan.Zero) throw metadata.Error(field, "must be positive");
        builder.Timeout = Math.Clamp((int)Math.Ceiling(timeout.TotalSeconds), 1, 1024);
        return new PostgresBindingOptions(builder.ConnectionString, timeout);
    }
}
