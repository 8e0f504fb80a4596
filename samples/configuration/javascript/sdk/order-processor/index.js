import { CommunicationProtocolEnum, DaprClient } from "@dapr/dapr";

// Dapr's configuration quickstart: read two items, then print every change for a while (gRPC: the SDK's HTTP client
// has no configuration support).
const CONFIG_STORE = "configstore";
const ITEMS = ["orderId1", "orderId2"];
const seconds = Number(process.env.QUICKSTART_SECONDS ?? 20);

const client = new DaprClient({
  daprHost: "127.0.0.1",
  daprPort: process.env.DAPR_GRPC_PORT ?? "50001",
  communicationProtocol: CommunicationProtocolEnum.GRPC,
});

const config = await client.configuration.get(CONFIG_STORE, ITEMS);
for (const key of Object.keys(config.items)) {
  console.log(`Configuration for ${key}: ${JSON.stringify(config.items[key])}`);
}

const stream = await client.configuration.subscribeWithKeys(CONFIG_STORE, ITEMS, (update) => {
  for (const key of Object.keys(update.items ?? {})) {
    console.log(`Configuration update {"${key}":${JSON.stringify(update.items[key])}}`);
  }
});
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await stream.stop();
console.log("App unsubscribed from config changes");
process.exit(0);
