// Pub/sub quickstart, JavaScript SDK subscriber: DaprServer announces the subscription to topic "orders" of
// "orderpubsub" on GET /dapr/subscribe and hands each event's data to the handler.
import { DaprServer } from "@dapr/dapr";

const pubsubName = "orderpubsub";
const topic = "orders";

const server = new DaprServer({
  serverHost: "127.0.0.1",
  serverPort: process.env.APP_PORT ?? "5002",
  clientOptions: {
    daprHost: process.env.DAPR_HOST ?? "127.0.0.1",
    daprPort: process.env.DAPR_HTTP_PORT ?? "3500",
  },
});

// Subscriptions must be registered before start(): the runtime reads them once the app port answers.
await server.pubsub.subscribe(pubsubName, topic, async (order) => {
  console.log("Subscriber received: " + JSON.stringify(order));
});

await server.start();
