// Service invocation over plain HTTP (Node 18+, no dependencies): each order goes to this app's own sidecar,
// which forwards it to the app named in the `dapr-app-id` header.
const daprHost = process.env.DAPR_HOST ?? "localhost";
const daprHttpPort = process.env.DAPR_HTTP_PORT ?? "3500";
const orderCount = intFromEnv("ORDER_COUNT", 10);
const intervalMs = intFromEnv("ORDER_INTERVAL_MS", 1000);

function intFromEnv(name, fallback) {
  const v = Number.parseInt(process.env[name] ?? "", 10);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let failures = 0;
for (let i = 1; i <= orderCount; i++) {
  const order = { orderId: i };
  try {
    const res = await fetch(`http://${daprHost}:${daprHttpPort}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", "dapr-app-id": "order-processor" },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.ok) {
      console.log("Order passed: " + JSON.stringify(order));
    } else {
      failures++;
      console.error(`Order ${i} failed: ${res.status} ${await res.text()}`);
    }
  } catch (err) {
    failures++;
    console.error(`Order ${i} failed: ${err.message}`);
  }
  if (i < orderCount) await sleep(intervalMs);
}
process.exit(failures === 0 ? 0 : 1);
