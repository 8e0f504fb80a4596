// Service invocation with the Dapr JavaScript SDK: DaprClient talks to this app's sidecar (DAPR_HTTP_PORT) and
// invoker.invoke calls POST /v1.0/invoke/order-processor/method/orders.
import { DaprClient, HttpMethod, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const daprHost = process.env.DAPR_HOST ?? "127.0.0.1";
const daprPort = process.env.DAPR_HTTP_PORT ?? "3500";
const orderCount = intFromEnv("ORDER_COUNT", 10);
const intervalMs = intFromEnv("ORDER_INTERVAL_MS", 1000);

function intFromEnv(name, fallback) {
  const v = Number.parseInt(process.env[name] ?? "", 10);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const client = new DaprClient({
  daprHost,
  daprPort,
  communicationProtocol: CommunicationProtocolEnum.HTTP,
  logger: { level: LogLevel.Error },
});

await client.start();

let failures = 0;
for (let i = 1; i <= orderCount; i++) {
  const order = { orderId: i };
  try {
    await client.invoker.invoke("order-processor", "orders", HttpMethod.POST, order);
    console.log("Order passed: " + JSON.stringify(order));
  } catch (err) {
    failures++;
    console.error(`Order ${i} failed: ${err?.message ?? err}`);
  }
  if (i < orderCount) await sleep(intervalMs);
}
process.exit(failures === 0 ? 0 : 1);
