using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Autogen = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.Grpc;

/// <summary>gRPC status codes of the state API, through the raw <c>dapr.proto.runtime.v1.Dapr</c> stub.</summary>
[Collection(StateRuntimeCollection.Name)]
public sealed class GrpcErrorStatusTests(StateRuntimeFixture fixture)
{
    private Autogen.Dapr.DaprClient Stub => new(fixture.Runtime.GrpcChannel);

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    private static Autogen.StateItem Item(string key, string json, string? etag = null)
    {
        var item = new Autogen.StateItem { Key = key, Value = ByteString.CopyFromUtf8(json) };
        if (etag is not null) item.Etag = new Autogen.Etag { Value = etag };
        return item;
    }

    private static async Task<RpcException> Expect(StatusCode code, Func<Task> call, string what)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(ex.StatusCode == code, $"{what}: expected {code}, got {ex.StatusCode} ({ex.Status.Detail})");
        Assert.False(string.IsNullOrWhiteSpace(ex.Status.Detail), $"{what}: no status detail");
        return ex;
    }

    [Fact]
    public async Task Unknown_store_is_InvalidArgument()
    {
        const string store = "no-such-store";
        await Expect(StatusCode.InvalidArgument,
            () => Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = store, Key = "k" }, deadline: Deadline).ResponseAsync, "GetState");
        await Expect(StatusCode.InvalidArgument,
            () => Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = store, States = { Item("k", "1") } }, deadline: Deadline).ResponseAsync, "SaveState");
        await Expect(StatusCode.InvalidArgument,
            () => Stub.DeleteStateAsync(new Autogen.DeleteStateRequest { StoreName = store, Key = "k" }, deadline: Deadline).ResponseAsync, "DeleteState");
        await Expect(StatusCode.InvalidArgument,
            () => Stub.GetBulkStateAsync(new Autogen.GetBulkStateRequest { StoreName = store, Keys = { "k" } }, deadline: Deadline).ResponseAsync, "GetBulkState");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Etag_mismatch_is_Aborted(string store)
    {
        var key = Keys.New("grpc-etag");
        await Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = store, States = { Item(key, "1") } }, deadline: Deadline);
        var stale = (await Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = store, Key = key }, deadline: Deadline)).Etag;
        Assert.False(string.IsNullOrEmpty(stale));
        await Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = store, States = { Item(key, "2") } }, deadline: Deadline);

        await Expect(StatusCode.Aborted,
            () => Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = store, States = { Item(key, "3", stale) } }, deadline: Deadline).ResponseAsync,
            "SaveState with a stale etag");
        await Expect(StatusCode.Aborted,
            () => Stub.DeleteStateAsync(new Autogen.DeleteStateRequest { StoreName = store, Key = key, Etag = new Autogen.Etag { Value = stale } }, deadline: Deadline).ResponseAsync,
            "DeleteState with a stale etag");
        var tx = new Autogen.ExecuteStateTransactionRequest
        {
            StoreName = store,
            Operations = { new Autogen.TransactionalStateOperation { OperationType = "upsert", Request = Item(key, "4", stale) } },
        };
        await Expect(StatusCode.Aborted, () => Stub.ExecuteStateTransactionAsync(tx, deadline: Deadline).ResponseAsync, "transaction with a stale etag");

        var current = await Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = store, Key = key }, deadline: Deadline);
        Assert.Equal("2", current.Data.ToStringUtf8());
    }

    [Fact]
    public async Task Key_with_double_pipe_is_InvalidArgument()
    {
        await Expect(StatusCode.InvalidArgument,
            () => Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = StateRuntimeFixture.Sqlite, States = { Item("a||b", "1") } }, deadline: Deadline).ResponseAsync,
            "SaveState of a key with ||");
        await Expect(StatusCode.InvalidArgument,
            () => Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = StateRuntimeFixture.Sqlite, Key = "a||b" }, deadline: Deadline).ResponseAsync,
            "GetState of a key with ||");
    }

    [Theory]
    [ClassData(typeof(AllStores))]
    public async Task Keys_with_slashes_unicode_and_spaces_round_trip(string store)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        foreach (var key in new[] { $"dir/sub/{id}", $"ключ 日本 {id}", $"%2F-not-decoded-{id}" })
        {
            await Stub.SaveStateAsync(new Autogen.SaveStateRequest { StoreName = store, States = { Item(key, $"\"{id}\"") } }, deadline: Deadline);
            var read = await Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = store, Key = key }, deadline: Deadline);
            Assert.True(read.Data.ToStringUtf8() == $"\"{id}\"", $"{store}: key '{key}' read '{read.Data.ToStringUtf8()}'");
            await Stub.DeleteStateAsync(new Autogen.DeleteStateRequest { StoreName = store, Key = key }, deadline: Deadline);
            Assert.True((await Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = store, Key = key }, deadline: Deadline)).Data.IsEmpty);
        }
    }

    [Fact]
    public async Task Missing_key_reads_as_empty_data_not_an_error()
    {
        var response = await Stub.GetStateAsync(new Autogen.GetStateRequest { StoreName = StateRuntimeFixture.Sqlite, Key = Keys.New("none") }, deadline: Deadline);
        Assert.True(response.Data.IsEmpty);
        Assert.Equal("", response.Etag);
    }
}
