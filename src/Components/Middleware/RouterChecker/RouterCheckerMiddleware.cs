using System.Text.RegularExpressions;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.RouterChecker;

/// <summary>
/// <c>middleware.http.routerchecker</c>: refuses with 400 <c>invalid router</c> a request whose path (with its query,
/// as Dapr matches the request URI) does not match the <c>rule</c> regular expression.
/// </summary>
public sealed class RouterCheckerMiddleware : IHttpMiddleware
{
    private static readonly MiddlewareRejection Invalid = new(400, "invalid router");
    private readonly Regex _rule;

    public RouterCheckerMiddleware(ComponentDefinition definition)
    {
        var metadata = definition.GetMetadata();
        var rule = metadata.GetRequiredString("rule");
        try
        {
            // Non-backtracking: Dapr's rules are Go (RE2) expressions, which run in linear time; so do these.
            _rule = new Regex(rule, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw metadata.Error("rule", $"'{rule}' is not a valid regular expression: {e.Message}");
        }
    }

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_rule.IsMatch(request.PathAndQuery) ? null : Invalid);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
