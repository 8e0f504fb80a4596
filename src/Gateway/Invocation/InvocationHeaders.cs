namespace ActorRuntime.Gateway.Invocation;

/// <summary>Headers the gateways set on invocations; callers cannot forge the <c>dapr-caller-*</c> ones (they are replaced).</summary>
public static class InvocationHeaders
{
    public const string AppId = "dapr-app-id";
    public const string CallerAppId = "dapr-caller-app-id";
    public const string CalleeAppId = "dapr-callee-app-id";
    public const string CallerNamespace = "dapr-caller-namespace";
    public const string ApiToken = "dapr-api-token";

    /// <summary>Between gateways: the error in this response is the callee gateway's own, not the app's.</summary>
    public const string GatewayError = "x-actorrt-gateway-error";

    /// <summary>Between gateways: the protobuf <c>Any.type_url</c> of a gRPC InvokeService payload, kept across the HTTP hop.</summary>
    public const string AnyTypeUrl = "x-actorrt-any-type-url";

    /// <summary>Path prefix of invocations arriving on the internal port.</summary>
    public const string InternalInvokePrefix = "/_actorrt/invoke/";

    /// <summary>Path prefix of actor calls arriving on the internal port.</summary>
    public const string InternalActorsPrefix = "/_actorrt/actors/";
}
