// A Dapr subscriber written with the official JavaScript SDK (DaprServer, server.pubsub.subscribe), served over
// HTTP or, with APP_PROTOCOL=grpc, over gRPC (AppCallback.ListTopicSubscriptions / OnTopicEvent).
// Started by NodePubSubTests as `actorrt run --app-port P [--app-protocol grpc] -- node pubsub-app.mjs` with:
//   PUBSUB_NAME, TOPIC   what to subscribe to
//   RECORD_FILE          each event's data is appended here as a JSON line (with `headerCount`, the number of headers
//                        the SDK passed to the handler: over HTTP a bulk entry's metadata, so 0 for bulk deliveries)
//   BULK=1               subscribe with server.pubsub.subscribeBulk (10 per batch, 300 ms) instead
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
const record = async (data, headers) => {
  appendFileSync(process.env.RECORD_FILE, JSON.stringify({ ...data, headerCount: Object.keys(headers ?? {}).length }) + "\n");
};
if (process.env.BULK === "1")
  await server.pubsub.subscribeBulk(process.env.PUBSUB_NAME, process.env.TOPIC, record, { maxMessagesCount: 10, maxAwaitDurationMs: 300 });
else await server.pubsub.subscribe(process.env.PUBSUB_NAME, process.env.TOPIC, record);
await server.start();
console.log("PUBSUB_APP_READY");
