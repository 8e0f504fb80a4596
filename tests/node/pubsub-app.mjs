// A Dapr subscriber written with the official JavaScript SDK (DaprServer, server.pubsub.subscribe), served over
// HTTP or, with APP_PROTOCOL=grpc, over gRPC (AppCallback.ListTopicSubscriptions / OnTopicEvent).
// Started by NodePubSubTests as `actorrt run --app-port P [--app-protocol grpc] -- node pubsub-app.mjs` with:
//   PUBSUB_NAME, TOPIC   what to subscribe to
//   RECORD_FILE          each event's data is appended here as a JSON line
import { appendFileSync } from "node:fs";
import { CommunicationProtocolEnum, DaprServer, LogLevel } from "@dapr/dapr";

const grpc = process.env.APP_PROTOCOL === "grpc";
const protocol = grpc ? CommunicationProtocolEnum.GRPC : CommunicationProtocolEnum.HTTP;
const server = new DaprServer({
  serverHost: "127.0.0.1",
  serverPort: process.env.APP_PORT,
  communicationProtocol: protocol,
  clientOptions: { daprHost: "127.0.0.1", daprPort: grpc ? process.env.DAPR_GRPC_PORT : process.env.DAPR_HTTP_PORT, communicationProtocol: protocol },
  logger: { level: LogLevel.Error },
});
await server.pubsub.subscribe(process.env.PUBSUB_NAME, process.env.TOPIC, async (data) => {
  appendFileSync(process.env.RECORD_FILE, JSON.stringify(data) + "\n");
});
await server.start();
console.log("PUBSUB_APP_READY");
