// End-to-end checks of the runtime with the official Dapr JavaScript SDK (@dapr/dapr), over HTTP and gRPC.
// Run by NodeSdkTests (xunit), which starts `actorrt run` and sets:
//   DAPR_HTTP_PORT, DAPR_GRPC_PORT  the runtime's ports
//   ACTORRT_APP_ID                  the app id it was started with
//   ACTORRT_STATE_STORE             a state.sqlite store (default "statestore")
// By hand: start the runtime, export those variables, then `node --test state.test.mjs`.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DaprClient, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const httpPort = process.env.DAPR_HTTP_PORT;
const grpcPort = process.env.DAPR_GRPC_PORT;
const appId = process.env.ACTORRT_APP_ID;
const store = process.env.ACTORRT_STATE_STORE ?? "statestore";
if (!httpPort || !grpcPort) throw new Error("DAPR_HTTP_PORT and DAPR_GRPC_PORT must be set");

const protocols = [
  { name: "HTTP", protocol: CommunicationProtocolEnum.HTTP, port: httpPort },
  { name: "gRPC", protocol: CommunicationProtocolEnum.GRPC, port: grpcPort },
];

const newKey = (stem) => `${stem}-${randomUUID().slice(0, 12)}`;

// The SDK's gRPC query returns raw bytes; HTTP returns parsed JSON.
const asObject = (data) =>
  data instanceof Uint8Array ? JSON.parse(Buffer.from(data).toString("utf8")) : typeof data === "string" ? JSON.parse(data) : data;

// HTTP state.save/delete report failures in the result instead of throwing.
const assertNoError = (result, what) => assert.equal(result?.error, undefined, `${what}: ${result?.error}`);

for (const { name, protocol, port } of protocols) {
  describe(`@dapr/dapr over ${name}`, { timeout: 120_000 }, () => {
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

    it("state.save and state.get round-trip objects and strings", async () => {
      const obj = newKey("obj");
      const str = newKey("str");
      const value = { name: "widget", size: 3, tags: ["a", "b"], nested: { ok: true } };
      assertNoError(await client.state.save(store, [{ key: obj, value }, { key: str, value: "plain text" }]), "save");

      assert.deepEqual(await client.state.get(store, obj), value);
      assert.equal(await client.state.get(store, str), "plain text");
      // A missing key reads as empty.
      assert.ok(!(await client.state.get(store, newKey("missing"))), "a missing key should read as empty");
    });

    it("state.getBulk returns every key, missing ones without data", async () => {
      const a = newKey("bulk-a");
      const b = newKey("bulk-b");
      const missing = newKey("bulk-missing");
      assertNoError(await client.state.save(store, [{ key: a, value: { n: 1 } }, { key: b, value: { n: 2 } }]), "save");

      const items = await client.state.getBulk(store, [a, b, missing]);
      assert.equal(items.length, 3);
      const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
      assert.deepEqual(asObject(byKey[a].data), { n: 1 });
      assert.deepEqual(asObject(byKey[b].data), { n: 2 });
      assert.ok(byKey[a].etag, "bulk item has no etag");
      assert.ok(byKey[missing], "the missing key has an entry");
      assert.ok(!byKey[missing].data || byKey[missing].data.length === 0, `missing key has data: ${byKey[missing].data}`);
    });

    it("state.delete removes the key", async () => {
      const key = newKey("del");
      assertNoError(await client.state.save(store, [{ key, value: "doomed" }]), "save");
      assert.equal(await client.state.get(store, key), "doomed");
      assertNoError(await client.state.delete(store, key), "delete");
      assert.ok(!(await client.state.get(store, key)), "deleted key still readable");
    });

    it("state.transaction applies upserts and deletes together", async () => {
      const up = newKey("tx-up");
      const del = newKey("tx-del");
      assertNoError(await client.state.save(store, [{ key: del, value: "old" }]), "save");
      // The SDK's gRPC transaction takes string values; a JSON string works over both protocols.
      await client.state.transaction(store, [
        { operation: "upsert", request: { key: up, value: JSON.stringify({ made: true }) } },
        { operation: "delete", request: { key: del } },
      ]);
      const made = await client.state.get(store, up);
      assert.deepEqual(typeof made === "string" ? JSON.parse(made) : made, { made: true });
      assert.ok(!(await client.state.get(store, del)), "deleted in the transaction but still readable");
    });

    it("state.query filters and sorts JSON documents", async () => {
      const run = randomUUID();
      const keys = [];
      for (let i = 1; i <= 4; i++) {
        const key = newKey(`q${i}`);
        keys.push(key);
        assertNoError(
          await client.state.save(store, [{ key, value: { run, kind: i % 2 === 0 ? "even" : "odd", n: i } }], {
            metadata: { contentType: "application/json" },
          }),
          "save",
        );
      }
      const response = await client.state.query(store, {
        filter: { AND: [{ EQ: { run } }, { EQ: { kind: "odd" } }] },
        sort: [{ key: "n", order: "DESC" }],
        page: { limit: 10 },
      });
      assert.deepEqual(
        response.results.map((r) => r.key),
        [keys[2], keys[0]],
      );
      assert.deepEqual(
        response.results.map((r) => asObject(r.data).n),
        [3, 1],
      );
      for (const r of response.results) assert.ok(r.etag, "query result without etag");
    });

    it("metadata.get reports the app id and the state store", async () => {
      const metadata = await client.metadata.get();
      if (appId) assert.equal(metadata.id, appId);
      const component = metadata.components.find((c) => c.name === store);
      assert.ok(component, `store ${store} not in ${JSON.stringify(metadata.components)}`);
      assert.equal(component.type, "state.sqlite");
      assert.ok(component.capabilities.includes("ETAG"), `capabilities: ${component.capabilities}`);
      assert.ok(component.capabilities.includes("TRANSACTIONAL"), `capabilities: ${component.capabilities}`);
    });
  });
}
