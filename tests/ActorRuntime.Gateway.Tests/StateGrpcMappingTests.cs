using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;

namespace ActorRuntime.Gateway.Tests;

/// <summary>Dapr's state gRPC contract: the same service behind both protocols, errors as gRPC status codes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StateGrpcMappingTests(GatewayFixture fixture)
{
    private Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient Dapr => fixture.Gateway.Dapr;

    [Fact]
    public async Task SaveState_then_GetState_round_trips_bytes_and_etag()
    {
        var key = "g-" + Guid.NewGuid().ToString("N")[..8];
        await Dapr.SaveStateAsync(new SaveStateRequest
        {
            StoreName = "statestore",
            States = { new StateItem { Key = key, Value = ByteString.CopyFromUtf8("\"hello\"") } },
        });
        var got = await Dapr.GetStateAsync(new GetStateRequest { StoreName = "statestore", Key = key });
        Assert.Equal("\"hello\"", got.Data.ToStringUtf8());
        Assert.NotEmpty(got.Etag);
    }

    [Fact]
    public async Task An_unknown_store_is_InvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await Dapr.GetStateAsync(new GetStateRequest { StoreName = "nope", Key = "k" }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("nope", e.Status.Detail);
    }

    [Fact]
    public async Task A_stale_etag_is_Aborted()
    {
        var key = "g-" + Guid.NewGuid().ToString("N")[..8];
        await Dapr.SaveStateAsync(new SaveStateRequest { StoreName = "statestore", States = { new StateItem { Key = key, Value = ByteString.CopyFromUtf8("1") } } });
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Dapr.SaveStateAsync(new SaveStateRequest
        {
            StoreName = "statestore",
            States = { new StateItem { Key = key, Value = ByteString.CopyFromUtf8("2"), Etag = new Etag { Value = "999" } } },
        }));
        Assert.Equal(StatusCode.Aborted, e.StatusCode);
    }
}
