using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Errors;

/// <summary>
/// The one rule for what an API error may say. An error message that carries runtime internals (a .NET stack frame,
/// an exception type name of .NET, Orleans or a client library, an Orleans silo address or grain id, or several lines)
/// keeps Dapr's code, status and the message's own lead ("failed saving state in state store X"), while the detail is
/// replaced by a correlation id; the full detail is logged at warning with the same id. A message that is merely long
/// (client libraries' diagnostic dumps: thread-pool counters, connection state) keeps its first clause and the id.
/// Applied where errors leave the
/// gateway (HTTP bodies, gRPC statuses and trailers), so no building block can leak one by copying an exception text.
/// </summary>
public static partial class ErrorSanitizer
{
    /// <summary>Log category of the detail lines; operators search the log for the correlation id.</summary>
    public const string LogCategory = "ActorRuntime.Gateway.Errors";

    /// <summary>Longer messages are cut to their first clause: past this a message is a dump, not an explanation.</summary>
    public const int MaxMessageLength = 300;

    // Stack frames ("   at X.Y(...)", "--- End of stack trace"), type names such as System.Net.Sockets.SocketException or
    // Orleans.Runtime.Messaging.ConnectionFailedException, silo addresses (S127.0.0.1:11111:123456789) and grain ids.
    [GeneratedRegex(@"(?:^|\n)\s*at \S+\(|--- End of |\b(?:System|Orleans|Microsoft|Npgsql|StackExchange|Grpc)\.(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Exception|Error)\b|\bOrleans\.|\bS\d{1,3}(?:\.\d{1,3}){3}:\d+:\d+|\bS\[[0-9A-Fa-f:.]+\]:\d+:\d+|\bGrainId\b|\bgrain [a-z][\w.-]*/\S+",
        RegexOptions.CultureInvariant)]
    private static partial Regex InternalPattern();

    /// <summary>Whether <paramref name="message"/> carries something only the runtime's insides say.</summary>
    public static bool LooksInternal(string? message) =>
        !string.IsNullOrEmpty(message) && (message.Contains('\n') || InternalPattern().IsMatch(message));

    /// <summary><paramref name="error"/> as it may be shown to a caller; logs the detail when anything was taken out.</summary>
    public static DaprError Sanitize(DaprError error, ILogger? logger)
    {
        var internals = LooksInternal(error.Message);
        if (!internals && error.Message.Length <= MaxMessageLength) return error;
        var id = Guid.NewGuid().ToString("N")[..16];
        if (logger is not null) LogDetail(logger, error.ErrorCode, id, error.Message);
        if (!internals) return error with { Message = $"{FirstClause(error.Message)} (correlation id {id}; the full text is in the runtime log)" };
        var colon = error.Message.IndexOf(": ", StringComparison.Ordinal);
        var lead = colon > 0 && !LooksInternal(error.Message[..colon]) ? error.Message[..colon] : "the request failed";
        return error with { Message = $"{lead}: an internal error occurred (correlation id {id}; details are in the runtime log)" };
    }

    private static string FirstClause(string message)
    {
        var lead = message.IndexOf(": ", StringComparison.Ordinal) + 2; // never cut inside "failed ... in store X: "
        var ends = new[] { " - ", ". ", "; ", ", " }
            .Select(s => message.IndexOf(s, Math.Max(lead, 0), StringComparison.Ordinal))
            .Where(i => i > 0 && i <= MaxMessageLength).DefaultIfEmpty(-1).Min();
        return ends > 0 ? message[..ends] : message[..MaxMessageLength] + "...";
    }

    /// <summary>For an exception nothing shaped into a Dapr error: a 500 that says only where to look.</summary>
    public static DaprError Unexpected(Exception exception, ILogger? logger)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        if (logger is not null) LogUnexpected(logger, id, exception);
        return new DaprError("ERR_INTERNAL", $"an internal error occurred (correlation id {id}; details are in the runtime log)", 500, global::Grpc.Core.StatusCode.Internal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API error {ErrorCode} (correlation id {CorrelationId}) answered without its detail: {Detail}")]
    private static partial void LogDetail(ILogger logger, string errorCode, string correlationId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unexpected failure answered as ERR_INTERNAL (correlation id {CorrelationId})")]
    private static partial void LogUnexpected(ILogger logger, string correlationId, Exception exception);
}
