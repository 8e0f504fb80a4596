// A Dapr actor host with nothing but Node's standard library: NodeCounterActor, whose `increment` adds one to a count
// kept in actor state and answers the new count. GreeterGrain (a C# grain, ../GreeterGrain.cs) calls it, and
// GET /greet/{name} calls GreeterGrain in turn.
// Start it with: ./actorrt run --app-id nodeactors --app-port 3001 -- node samples/csharp-grains/node-actor/app.mjs
import http from "node:http";

const daprPort = process.env.DAPR_HTTP_PORT ?? "3500";
const appPort = Number(process.env.APP_PORT ?? "3001");
const actors = `http://127.0.0.1:${daprPort}/v1.0/actors`;

async function getCount(id) {
  const res = await fetch(`${actors}/NodeCounterActor/${encodeURIComponent(id)}/state/count`);
  return res.status === 200 ? Number(await res.text()) : 0;
}

async function setCount(id, count) {
  const res = await fetch(`${actors}/NodeCounterActor/${encodeURIComponent(id)}/state`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ operation: "upsert", request: { key: "count", value: count } }]),
  });
  if (res.status !== 204) throw new Error(`saving state failed: ${res.status} ${await res.text()}`);
}

const methods = {
  async increment(id) { const count = (await getCount(id)) + 1; await setCount(id, count); return count; },
  async get(id) { return getCount(id); },
};

const server = http.createServer(async (req, res) => {
  const send = (status, body) => {
    res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  try {
    if (req.method === "GET" && req.url === "/dapr/config") return send(200, { entities: ["NodeCounterActor"], actorIdleTimeout: "1h" });
    if (req.url === "/healthz") return send(200, "ok");
    // Node → C#: GET /greet/{name} asks the C# actor GreeterGrain through this app's own Dapr actor API.
    const greet = req.url.match(/^\/greet\/([^/?]+)/);
    if (req.method === "GET" && greet) {
      const res = await fetch(`${actors}/GreeterGrain/node/method/Greet`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(decodeURIComponent(greet[1])),
      });
      return send(res.status, { fromGreeterGrain: await res.json() });
    }
    const call = req.url.match(/^\/actors\/NodeCounterActor\/([^/]+)\/method\/([^/?]+)/);
    if (req.method === "PUT" && call) {
      for await (const _ of req); // drain the body (the arguments; increment and get take none)
      const method = methods[decodeURIComponent(call[2])];
      return method ? send(200, await method(decodeURIComponent(call[1]))) : send(404, { error: `no method ${call[2]}` });
    }
    if (req.method === "DELETE" && req.url.startsWith("/actors/")) return send(200); // deactivation
    send(404, { error: "not found" });
  } catch (e) {
    send(500, { error: String(e) });
  }
});
server.listen(appPort, "127.0.0.1", () => console.log(`NodeCounterActor host on ${appPort}`));
