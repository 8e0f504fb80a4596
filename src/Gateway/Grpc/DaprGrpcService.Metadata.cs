using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    public virtual Task<Runtime.GetMetadataResponse> GetMetadata(Runtime.GetMetadataRequest request, ServerCallContext context)
    {
        var m = metadata.Get();
        var response = new Runtime.GetMetadataResponse { Id = m.Id, RuntimeVersion = m.RuntimeVersion };
        foreach (var (k, v) in m.Extended) response.ExtendedMetadata[k] = v;
        foreach (var c in m.Components)
        {
            var rc = new Runtime.RegisteredComponents { Name = c.Name, Type = c.Type, Version = c.Version };
            rc.Capabilities.AddRange(c.Capabilities);
            response.RegisteredComponents.Add(rc);
        }
        foreach (var s in m.Subscriptions)
        {
            var sub = new Runtime.PubsubSubscription
            {
                PubsubName = s.PubsubName,
                Topic = s.Topic,
                DeadLetterTopic = s.DeadLetterTopic,
                Rules = new Runtime.PubsubSubscriptionRules(),
                Type = s.Type switch
                {
                    "DECLARATIVE" => Runtime.PubsubSubscriptionType.Declarative,
                    "PROGRAMMATIC" => Runtime.PubsubSubscriptionType.Programmatic,
                    _ => Runtime.PubsubSubscriptionType.Streaming,
                },
            };
            foreach (var (k, v) in s.Metadata ?? new Dictionary<string, string>()) sub.Metadata[k] = v;
            foreach (var r in s.Rules ?? []) sub.Rules.Rules.Add(new Runtime.PubsubSubscriptionRule { Match = r.Match ?? "", Path = r.Path });
            response.Subscriptions.Add(sub);
        }
        if (m.AppConnectionProperties is { } app)
        {
            response.AppConnectionProperties = new Runtime.AppConnectionProperties
            {
                Port = app.Port,
                Protocol = app.Protocol,
                ChannelAddress = app.ChannelAddress,
                MaxConcurrency = app.MaxConcurrency ?? 0,
            };
        }
        response.ActorRuntime = new Runtime.ActorRuntime
        {
            RuntimeStatus = Runtime.ActorRuntime.Types.ActorRuntimeStatus.Running,
            HostReady = m.ActorRuntime.HostReady,
            Placement = m.ActorRuntime.Placement,
        };
        return Task.FromResult(response);
    }

    public virtual Task<Empty> SetMetadata(Runtime.SetMetadataRequest request, ServerCallContext context)
    {
        metadata.SetAttribute(request.Key, request.Value);
        return Task.FromResult(new Empty());
    }

    public virtual Task<Empty> Shutdown(Runtime.ShutdownRequest request, ServerCallContext context)
    {
        // Let this call complete before the server begins to stop.
        _ = Task.Run(async () =>
        {
            await Task.Delay(50);
            lifetime.StopApplication();
        });
        return Task.FromResult(new Empty());
    }
}
