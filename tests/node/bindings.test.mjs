// Output bindings with the official Dapr JavaScript SDK (@dapr/dapr), over HTTP and gRPC: client.binding.send.
// Run by BindingsNodeSdkTests (xunit), which starts `actorrt run` with the components of BindingsRuntimeFixture:
//   redis-binding (bindings.redis), sqldb (bindings.postgresql) and sets
//   DAPR_HTTP_PORT, DAPR_GRPC_PORT  the runtime's ports
//   ACTORRT_PG_TABLE                a table name the test may create
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { DaprClient, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const httpPort = process.env.DAPR_HTTP_PORT;
const grpcPort = process.env.DAPR_GRPC_PORT;
const table = process.env.ACTORRT_PG_TABLE;
if (!httpPort || !grpcPort || !table) throw new Error("DAPR_HTTP_PORT, DAPR_GRPC_PORT and ACTORRT_PG_TABLE must be set");

const protocols = [
  { name: "HTTP", protocol: CommunicationProtocolEnum.HTTP, port: httpPort },
  { name: "gRPC", protocol: CommunicationProtocolEnum.GRPC, port: grpcPort },
];

const text = (data) => (data instanceof Uint8Array ? Buffer.from(data).toString("utf8") : typeof data === "string" ? data : JSON.stringify(data));

for (const { name, protocol, port } of protocols) {
  describe(`@dapr/dapr bindings over ${name}`, { timeout: 120_000 }, () => {
    let client;
    const key = `node-${name}-${Date.now()}`;

    before(async () => {
      client = new DaprClient({ daprHost: "127.0.0.1", daprPort: String(port), communicationProtocol: protocol, logger: { level: LogLevel.Error } });
      await client.start();
    });

    after(async () => {
      await client?.stop();
    });

    it("binding.send create then get round-trips a JSON object through Redis", async () => {
      await client.binding.send("redis-binding", "create", { message: "Hi", n: 1 }, { key });
      const got = await client.binding.send("redis-binding", "get", undefined, { key });
      const value = name === "HTTP" ? got : got.data;
      assert.deepEqual(JSON.parse(text(value)), { message: "Hi", n: 1 });
    });

    it("binding.send delete removes the key", async () => {
      await client.binding.send("redis-binding", "delete", undefined, { key });
      const got = await client.binding.send("redis-binding", "get", undefined, { key });
      const value = name === "HTTP" ? got : got.data;
      assert.equal(text(value ?? ""), "");
    });

    it("binding.send exec and query run SQL with params (the bindings quickstart's calls)", async () => {
      const t = `${table}_${name === "HTTP" ? "h" : "g"}`;
      await client.binding.send("sqldb", "exec", undefined, { sql: `CREATE TABLE IF NOT EXISTS ${t} (orderid INT PRIMARY KEY, customer TEXT)` });
      await client.binding.send("sqldb", "exec", undefined, { sql: `INSERT INTO ${t} (orderid, customer) VALUES ($1, $2)`, params: JSON.stringify([1, "Node"]) });
      const rows = await client.binding.send("sqldb", "query", undefined, { sql: `SELECT orderid, customer FROM ${t}` });
      const value = name === "HTTP" ? rows : rows.data;
      assert.deepEqual(JSON.parse(text(value)), [[1, "Node"]]);
      await client.binding.send("sqldb", "exec", undefined, { sql: `DROP TABLE ${t}` });
    });

    it("binding.send to an unknown binding fails", async () => {
      await assert.rejects(() => client.binding.send("no-such-binding", "create", { a: 1 }));
    });
  });
}
