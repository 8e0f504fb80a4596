// Pub/sub quickstart, JavaScript over plain HTTP (no packages) subscriber: GET /dapr/subscribe declares the
// subscription (orderpubsub / orders → route /orders); the runtime POSTs each event as a CloudEvent to /orders.
import { createServer } from "node:http";

const port = Number(process.env.APP_PORT ?? "5003");
const subscriptions = [{ pubsubname: "orderpubsub", topic: "orders", route: "orders" }];

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const server = createServer(async (request, response) => {
  if (request.method === "GET" && request.url === "/dapr/subscribe") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(subscriptions));
    return;
  }
  if (request.method === "POST" && request.url === "/orders") {
    try {
      const event = await readJson(request);
      console.log("Subscriber received: " + JSON.stringify(event.data));
      // An empty 200 is Dapr's "SUCCESS": the event is acknowledged.
      response.writeHead(200).end();
    } catch (error) {
      console.error("Bad event: " + error.message);
      // DROP: a body that is not JSON will never become readable, so retrying is pointless.
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"DROP"}');
    }
    return;
  }
  response.writeHead(404).end();
});

server.listen(port, "127.0.0.1", () => console.log(`order-processor listening on ${port}`));
