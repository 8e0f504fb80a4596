// Pub/sub quickstart, JavaScript SDK publisher: sends orders 1..10, one a second, to topic "orders" of the
// pubsub "orderpubsub" with DaprClient (HTTP to the runtime on DAPR_HTTP_PORT).
import { DaprClient } from "@dapr/dapr";

const pubsubName = "orderpubsub";
const topic = "orders";
const orderCount = 10;

const client = new DaprClient({
  daprHost: process.env.DAPR_HOST ?? "127.0.0.1",
  daprPort: process.env.DAPR_HTTP_PORT ?? "3500",
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (let orderId = 1; orderId <= orderCount; orderId++) {
  const order = { orderId };
  const result = await client.pubsub.publish(pubsubName, topic, order);
  // The SDK reports a refused publish in its result rather than by throwing.
  if (result?.error) throw result.error;
  console.log("Published data: " + JSON.stringify(order));
  await pause(1000);
}
