// The Configuration API with the official Dapr JavaScript SDK (@dapr/dapr): client.configuration.get and
// subscribeWithKeys, over gRPC (the SDK's HTTP client does not implement configuration). Run by ConfigurationNodeSdkTests (xunit), which starts `actorrt run` with a
// configuration.redis store and sets:
//   DAPR_HTTP_PORT, DAPR_GRPC_PORT  the runtime's ports
//   ACTORRT_CONFIG_STORE            the configuration store
//   ACTORRT_CONFIG_KEY              a key holding "initial||1"; while this runs, the test keeps setting it to "changed||n"
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DaprClient, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const httpPort = process.env.DAPR_HTTP_PORT;
const grpcPort = process.env.DAPR_GRPC_PORT;
const store = process.env.ACTORRT_CONFIG_STORE ?? "configstore";
const key = process.env.ACTORRT_CONFIG_KEY;
if (!httpPort || !grpcPort || !key) throw new Error("DAPR_HTTP_PORT, DAPR_GRPC_PORT and ACTORRT_CONFIG_KEY must be set");

const client = (protocol, port) =>
  new DaprClient({ daprHost: "127.0.0.1", daprPort: String(port), communicationProtocol: protocol, logger: { level: LogLevel.Error } });

describe("@dapr/dapr configuration", { timeout: 120_000 }, () => {
  for (const [name, protocol, port] of [["gRPC", CommunicationProtocolEnum.GRPC, grpcPort]]) {
    it(`configuration.get over ${name}`, async () => {
      const c = client(protocol, port);
      try {
        const res = await c.configuration.get(store, [key]);
        const item = res.items[key];
        assert.ok(item, `no item for ${key}: ${JSON.stringify(res)}`);
        assert.ok(item.value === "initial" || item.value === "changed", `unexpected value ${item.value}`);
      } finally {
        await c.stop();
      }
    });
  }

  it("configuration.subscribeWithKeys over gRPC receives a change", async () => {
    const c = client(CommunicationProtocolEnum.GRPC, grpcPort);
    try {
      let stream;
      const changed = new Promise((resolve) => {
        c.configuration.subscribeWithKeys(store, [key], (res) => {
          const item = res.items?.[key];
          if (item?.value === "changed") resolve(item);
        }).then((s) => (stream = s));
      });
      const item = await Promise.race([changed, new Promise((_, reject) => setTimeout(() => reject(new Error("no change within 20 s")), 20_000))]);
      assert.match(item.version, /^\d+$/);
      await stream?.stop();
    } finally {
      await c.stop();
    }
  });
});
