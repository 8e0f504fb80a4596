// Pub/sub quickstart, JavaScript over plain HTTP (no packages) publisher: POSTs orders 1..10, one a second, to
// /v1.0/publish/orderpubsub/orders on the runtime.
const pubsubName = "orderpubsub";
const topic = "orders";
const orderCount = 10;
const daprHost = process.env.DAPR_HOST ?? "http://127.0.0.1";
const publishUrl = `${daprHost}:${process.env.DAPR_HTTP_PORT ?? "3500"}/v1.0/publish/${pubsubName}/${topic}`;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (let orderId = 1; orderId <= orderCount; orderId++) {
  const order = { orderId };
  const response = await fetch(publishUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(order),
  });
  // 204 means the event is stored by the broker; anything else carries Dapr's error body.
  if (!response.ok) throw new Error(`publish answered ${response.status}: ${await response.text()}`);
  console.log("Published data: " + JSON.stringify(order));
  await pause(1000);
}
