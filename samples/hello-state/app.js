// A small app that uses the state API of the runtime beside it, with nothing but Node's standard library.
// Start it with: ./actorrt run --app-id hello --app-port 3000 -- node samples/hello-state/app.js
import http from "node:http";

const daprPort = process.env.DAPR_HTTP_PORT ?? "3500";
const appPort = Number(process.env.APP_PORT ?? "3000");
const state = `http://127.0.0.1:${daprPort}/v1.0/state/statestore`;

async function saveOrder(order) {
  const res = await fetch(state, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ key: `order-${order.id}`, value: order }]),
  });
  if (res.status !== 204) throw new Error(`save failed: ${res.status} ${await res.text()}`);
}

async function getOrder(id) {
  const res = await fetch(`${state}/order-${id}`);
  if (res.status === 204) return null;
  return { etag: res.headers.get("etag"), order: await res.json() };
}

// The app's own HTTP API: GET /orders/{id} reads through the runtime, POST /orders saves.
const server = http.createServer(async (req, res) => {
  try {
    const match = req.url.match(/^\/orders\/(\d+)$/);
    if (req.method === "GET" && match) {
      const found = await getOrder(match[1]);
      res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
      return res.end(JSON.stringify(found ?? { error: "not found" }));
    }
    if (req.method === "POST" && req.url === "/orders") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const order = JSON.parse(body);
      await saveOrder(order);
      res.writeHead(201, { "content-type": "application/json" });
      return res.end(JSON.stringify(order));
    }
    res.writeHead(404).end();
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
  }
});

server.listen(appPort, "127.0.0.1", async () => {
  console.log(`hello-state listening on ${appPort}; runtime HTTP port ${daprPort}`);
  for (let id = 1; id <= 5; id++) {
    await saveOrder({ id, item: `widget-${id}`, quantity: id * 2 });
    const { etag, order } = await getOrder(id);
    console.log(`saved and read back order ${id}: ${JSON.stringify(order)} (etag ${etag})`);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`done; try: curl http://127.0.0.1:${daprPort}/v1.0/state/statestore/order-1`);
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
