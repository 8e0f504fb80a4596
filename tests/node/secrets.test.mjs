// Secrets with the official Dapr JavaScript SDK (@dapr/dapr), over HTTP and gRPC: client.secret.get / getBulk.
// Run by SecretsNodeSdkTests (xunit), which starts `actorrt run` with a local file secret store and sets:
//   DAPR_HTTP_PORT, DAPR_GRPC_PORT  the runtime's ports
//   ACTORRT_SECRET_STORE            a secretstores.local.file store holding {"secret": ACTORRT_SECRET_VALUE}
//   ACTORRT_SECRET_VALUE            the value to expect
//   ACTORRT_SCOPED_STORE            a store whose scopes allow only "secret"
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DaprClient, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const httpPort = process.env.DAPR_HTTP_PORT;
const grpcPort = process.env.DAPR_GRPC_PORT;
const store = process.env.ACTORRT_SECRET_STORE ?? "localsecretstore";
const scoped = process.env.ACTORRT_SCOPED_STORE ?? "scoped";
const expected = process.env.ACTORRT_SECRET_VALUE;
if (!httpPort || !grpcPort || !expected) throw new Error("DAPR_HTTP_PORT, DAPR_GRPC_PORT and ACTORRT_SECRET_VALUE must be set");

const protocols = [
  { name: "HTTP", protocol: CommunicationProtocolEnum.HTTP, port: httpPort },
  { name: "gRPC", protocol: CommunicationProtocolEnum.GRPC, port: grpcPort },
];

for (const { name, protocol, port } of protocols) {
  describe(`@dapr/dapr secrets over ${name}`, { timeout: 120_000 }, () => {
    let client;

    before(async () => {
      client = new DaprClient({ daprHost: "127.0.0.1", daprPort: String(port), communicationProtocol: protocol, logger: { level: LogLevel.Error } });
      await client.start();
    });

    after(async () => {
      await client?.stop();
    });

    it("secret.get returns the name/value map (Dapr's secrets quickstart)", async () => {
      const secret = await client.secret.get(store, "secret");
      assert.deepEqual({ ...secret }, { secret: expected });
    });

    it("secret.getBulk returns every secret by name", async () => {
      const all = await client.secret.getBulk(store);
      assert.equal(all.secret.secret, expected);
      const onlyAllowed = await client.secret.getBulk(scoped);
      assert.deepEqual(Object.keys(onlyAllowed), ["secret"]);
    });

    it("secret.get of a secret the scopes deny fails", async () => {
      await assert.rejects(() => client.secret.get(scoped, "denied"));
    });
  });
}
