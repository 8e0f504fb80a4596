// A Dapr app served over gRPC by the official JavaScript SDK (DaprServer with the gRPC protocol implements
// AppCallback). Started by SdkInvocationTests as `actorrt run --app-protocol grpc --app-port P -- node grpc-app.mjs`.
import { CommunicationProtocolEnum, DaprServer, HttpMethod, LogLevel } from "@dapr/dapr";

const server = new DaprServer({
  serverHost: "127.0.0.1",
  serverPort: process.env.APP_PORT,
  communicationProtocol: CommunicationProtocolEnum.GRPC,
  clientOptions: { daprHost: "127.0.0.1", daprPort: process.env.DAPR_GRPC_PORT, communicationProtocol: CommunicationProtocolEnum.GRPC },
  logger: { level: LogLevel.Error },
});
await server.invoker.listen("echo", async (data) => ({ got: data.body ?? null, method: "echo", pid: process.pid }), { method: HttpMethod.POST });
await server.start();
console.log("GRPC_APP_READY");
