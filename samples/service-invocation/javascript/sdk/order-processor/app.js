// The invoked app with the Dapr JavaScript SDK: DaprServer listens on APP_PORT (default 7001) and handles POST /orders.
import { DaprServer, HttpMethod, CommunicationProtocolEnum, LogLevel } from "@dapr/dapr";

const serverHost = "127.0.0.1";
const serverPort = process.env.APP_PORT ?? "7001";
const daprHost = process.env.DAPR_HOST ?? "127.0.0.1";
const daprPort = process.env.DAPR_HTTP_PORT ?? "3500";

const server = new DaprServer({
  serverHost,
  serverPort,
  communicationProtocol: CommunicationProtocolEnum.HTTP,
  clientOptions: { daprHost, daprPort },
  logger: { level: LogLevel.Error },
});

await server.invoker.listen(
  "orders",
  async ({ body }) => {
    const order = typeof body === "string" ? JSON.parse(body) : body;
    console.log("Order received : " + JSON.stringify(order));
    return order;
  },
  { method: HttpMethod.POST },
);

await server.start();
