using ActorRuntime.Gateway.Errors;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Tests.Security;

/// <summary>The one rule for error texts: Dapr's code and the message's lead stay, internals go to the log under a correlation id.</summary>
public sealed class ErrorSanitizerTests
{
    // What Orleans says when the silo behind a gateway is gone, as it reached ERR_STATE_SAVE before.
    private const string OrleansFailure =
        "Orleans.Runtime.Messaging.ConnectionFailedException: Unable to connect to endpoint S127.0.0.1:11111:125734519. See InnerException\n" +
        "   at Orleans.Runtime.Messaging.ConnectionManager.ConnectAsync(SiloAddress address)\n" +
        "--- End of stack trace from previous location ---";

    [Theory]
    [InlineData(OrleansFailure)]
    [InlineData("Response did not arrive on time for message: Request [S127.0.0.1:11111:125734519 sys.client]->[S127.0.0.1:11112:1 statekey/abc]")]
    [InlineData("System.Net.Sockets.SocketException (111): Connection refused")]
    [InlineData("the call failed: Orleans.Runtime.OrleansMessageRejectionException")]
    [InlineData("Object reference not set to an instance of an object.\n   at Foo.Bar()")]
    public void Internal_details_are_replaced_and_logged_with_one_correlation_id(string detail)
    {
        var log = new ListLogger();
        var error = ErrorSanitizer.Sanitize(DaprErrors.StateSave("statestore", detail), log);

        Assert.Equal("ERR_STATE_SAVE", error.ErrorCode);
        Assert.Equal(500, error.HttpStatus);
        Assert.Equal(StatusCode.Internal, error.GrpcStatus);
        Assert.StartsWith("failed saving state in state store statestore: an internal error occurred (correlation id ", error.Message);
        Assert.False(ErrorSanitizer.LooksInternal(error.Message));
        var id = error.Message.Split("correlation id ")[1][..16];
        var line = Assert.Single(log.Lines);
        Assert.Contains(id, line);
        Assert.Contains(detail, line);
    }

    [Theory]
    [InlineData("possible etag mismatch. error from state store: ERR Error running script")]
    [InlineData("key 'a||b' is not valid")]
    [InlineData("redis: connection refused (127.0.0.1:6390)")]
    public void Messages_a_user_can_act_on_pass_unchanged(string detail)
    {
        var log = new ListLogger();
        var original = DaprErrors.StateSave("statestore", detail);
        Assert.Same(original, ErrorSanitizer.Sanitize(original, log));
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void A_diagnostic_dump_keeps_its_first_clause_and_points_to_the_log()
    {
        const string dump = "The message timed out in the backlog attempting to send because no connection became available (5000ms) - " +
            "Last Connection Exception: SocketClosed on 127.0.0.1:33003/Interactive, Idle/RanToCompletion, last: EVAL, origin: ReadAllAsync, " +
            "outstanding: 0, last-read: 0s ago, IOCP: (Busy=0,Free=1000,Min=1,Max=1000), WORKER: (Busy=0,Free=32767,Min=2,Max=32767), " +
            "POOL: (Threads=4,QueuedItems=0,CompletedItems=401,Timers=17), v: 3.4.35.20751";
        var log = new ListLogger();
        var error = ErrorSanitizer.Sanitize(DaprErrors.StateSave("flaky", dump), log);
        Assert.StartsWith("failed saving state in state store flaky: The message timed out in the backlog attempting to send because no connection became available (5000ms) (correlation id ", error.Message);
        Assert.DoesNotContain("IOCP", error.Message);
        Assert.Contains(dump, Assert.Single(log.Lines));
    }

    [Fact]
    public void An_unexpected_exception_answers_ERR_INTERNAL_without_its_text()
    {
        var log = new ListLogger();
        var error = ErrorSanitizer.Unexpected(new InvalidOperationException("grain statekey/xyz on S10.0.0.1:11111:1 broke"), log);
        Assert.Equal("ERR_INTERNAL", error.ErrorCode);
        Assert.DoesNotContain("statekey", error.Message);
        Assert.Contains(error.Message.Split("correlation id ")[1][..16], Assert.Single(log.Lines));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
    }
}
