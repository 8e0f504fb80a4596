// Service invocation with the official Dapr JavaScript SDK (@dapr/dapr), over HTTP and gRPC.
// Run by SdkInvocationTests (xunit), which starts a caller runtime (no app) and a callee runtime with EchoApp, and sets:
//   DAPR_HTTP_PORT, DAPR_GRPC_PORT  the caller runtime's ports
//   ACTORRT_TARGET_APP_ID           the callee's app id (EchoApp: answers every request with what it received)
// By hand: start both, export those variables, then `node --test invoke.test.mjs`.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DaprClient, CommunicationProtocolEnum, HttpMethod, LogLevel } from "@dapr/dapr";

const httpPort = process.env.DAPR_HTTP_PORT;
const grpcPort = process.env.DAPR_GRPC_PORT;
const target = process.env.ACTORRT_TARGET_APP_ID;
if (!httpPort || !grpcPort || !target) throw new Error("DAPR_HTTP_PORT, DAPR_GRPC_PORT and ACTORRT_TARGET_APP_ID must be set");

const protocols = [
  { name: "HTTP", protocol: CommunicationProtocolEnum.HTTP, port: httpPort },
  { name: "gRPC", protocol: CommunicationProtocolEnum.GRPC, port: grpcPort },
];

for (const { name, protocol, port } of protocols) {
  describe(`invoke over ${name}`, { timeout: 120_000 }, () => {
    let client;

    before(async () => {
      client = new DaprClient({
        daprHost: "127.0.0.1",
        daprPort: String(port),
        communicationProtocol: protocol,
        logger: { level: LogLevel.Error },
      });
      await client.start();
    });

    after(async () => {
      await client?.stop();
    });

    it("POST with a JSON body reaches the app with verb, path and body", async () => {
      const order = { orderId: 1, item: "widget" };
      const echo = await client.invoker.invoke(target, "orders/new", HttpMethod.POST, order);
      assert.equal(echo.method, "POST");
      assert.equal(echo.path, "/orders/new");
      assert.deepEqual(JSON.parse(echo.body), order);
      assert.ok(echo.instance.startsWith(`${target}:`), `answered by ${echo.instance}`);
      assert.match(echo.headers["Content-Type"] ?? echo.headers["content-type"] ?? "", /application\/json/);
    });

    it("GET, PUT and DELETE keep their verb", async () => {
      for (const verb of [HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE]) {
        const echo = await client.invoker.invoke(target, `verbs/${verb}`, verb, verb === HttpMethod.GET ? undefined : { v: verb });
        assert.equal(echo.method, verb.toUpperCase());
        assert.equal(echo.path, `/verbs/${verb}`);
      }
    });

    it("the callee sees the caller's app id header", async () => {
      const echo = await client.invoker.invoke(target, "who", HttpMethod.GET);
      const headers = Object.fromEntries(Object.entries(echo.headers).map(([k, v]) => [k.toLowerCase(), v]));
      assert.ok(headers["dapr-caller-app-id"], `no dapr-caller-app-id in ${JSON.stringify(headers)}`);
      assert.equal(headers["dapr-callee-app-id"], target);
    });

    it("an unknown app id is an error", async () => {
      await assert.rejects(() => client.invoker.invoke("no-such-app-xyz", "x", HttpMethod.GET));
    });
  });
}
