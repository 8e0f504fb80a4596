using System.Net;
using System.Text;
using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.Tests.Resiliency;

/// <summary>
/// A hosting gateway in another process answers a resiliency timeout or open breaker as a Dapr error marked
/// <c>x-actorrt-gateway-error</c>; the grain must read it back as that error, not as the app's answer.
/// </summary>
public sealed class GatewayFailureTests
{
    private static HttpResponseMessage Response(HttpStatusCode status, string body, bool marked)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (marked) response.Headers.TryAddWithoutValidation(ActorHttpMessages.GatewayErrorHeader, "1");
        return response;
    }

    [Fact]
    public async Task A_marked_dapr_error_becomes_the_answers_failure()
    {
        using var response = Response(HttpStatusCode.InternalServerError,
            """{"errorCode":"ERR_ACTOR_INVOKE_METHOD","message":"error invoke actor method: call to actor type 'T' timed out after 1000ms (resiliency timeout policy)"}""", marked: true);

        var answer = await ActorHttpMessages.AnswerAsync(response, default);

        Assert.Equal(new ActorFailure("ERR_ACTOR_INVOKE_METHOD", "error invoke actor method: call to actor type 'T' timed out after 1000ms (resiliency timeout policy)", 500), answer.Failure);
    }

    [Theory]
    [InlineData("""{"errorCode":"ERR_X","message":"from the app"}""", false)] // the app's own answer, even shaped like an error
    [InlineData("not json", true)]
    [InlineData("""{"errorCode":1}""", true)]
    public async Task Anything_else_stays_the_apps_answer(string body, bool marked)
    {
        using var response = Response(HttpStatusCode.InternalServerError, body, marked);

        var answer = await ActorHttpMessages.AnswerAsync(response, default);

        Assert.Null(answer.Failure);
        Assert.Equal(500, answer.Status);
        Assert.Equal(body, Encoding.UTF8.GetString(answer.Body));
    }
}
