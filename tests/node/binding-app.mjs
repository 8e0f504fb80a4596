// An input binding handler written with the official JavaScript SDK (DaprServer, server.binding.receive), served over
// HTTP (the SDK answers OPTIONS /{name} and takes POST /{name}) or, with APP_PROTOCOL=grpc, over gRPC
// (AppCallback.ListInputBindings / OnBindingEvent). Started by the bindings E2E tests as
// `actorrt run --app-port P [--app-protocol grpc] -- node binding-app.mjs` with:
//   BINDING_NAME   the input binding to receive
//   RECORD_FILE    one JSON line per event: {"binding", "at" (ms since epoch)}
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
await server.binding.receive(process.env.BINDING_NAME, async () => {
  appendFileSync(process.env.RECORD_FILE, JSON.stringify({ binding: process.env.BINDING_NAME, at: Date.now() }) + "\n");
});
await server.start();
console.log("BINDING_APP_READY");
