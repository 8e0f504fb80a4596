// A Dapr subscriber written with the official JavaScript SDK (DaprServer over HTTP, server.pubsub.subscribe).
// Started by NodePubSubTests as `actorrt run --app-port P -- node pubsub-app.mjs` with:
//   PUBSUB_NAME, TOPIC   what to subscribe to
//   RECORD_FILE          each event's data is appended here as a JSON line
import { appendFileSync } from "node:fs";
import { CommunicationProtocolEnum, DaprServer, LogLevel } from "@dapr/dapr";

const server = new DaprServer({
  serverHost: "127.0.0.1",
  serverPort: process.env.APP_PORT,
  communicationProtocol: CommunicationProtocolEnum.HTTP,
  clientOptions: { daprHost: "127.0.0.1", daprPort: process.env.DAPR_HTTP_PORT, communicationProtocol: CommunicationProtocolEnum.HTTP },
  logger: { level: LogLevel.Error },
});
await server.pubsub.subscribe(process.env.PUBSUB_NAME, process.env.TOPIC, async (data) => {
  appendFileSync(process.env.RECORD_FILE, JSON.stringify(data) + "\n");
});
await server.start();
console.log("PUBSUB_APP_READY");
