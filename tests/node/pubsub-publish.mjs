// Publishes with the official JavaScript SDK: COUNT events to TOPIC over HTTP, then COUNT over gRPC, each
// {seq, protocol}, with client.pubsub.publish. Run by NodePubSubTests with DAPR_HTTP_PORT, DAPR_GRPC_PORT,
// PUBSUB_NAME, TOPIC and COUNT set. Exits non-zero if a publish reports an error.
import { CommunicationProtocolEnum, DaprClient, LogLevel } from "@dapr/dapr";

const count = Number(process.env.COUNT ?? "5");
const protocols = [
  ["http", CommunicationProtocolEnum.HTTP, process.env.DAPR_HTTP_PORT],
  ["grpc", CommunicationProtocolEnum.GRPC, process.env.DAPR_GRPC_PORT],
];
for (const [name, protocol, port] of protocols) {
  const client = new DaprClient({ daprHost: "127.0.0.1", daprPort: port, communicationProtocol: protocol, logger: { level: LogLevel.Error } });
  for (let seq = 0; seq < count; seq++) {
    const result = await client.pubsub.publish(process.env.PUBSUB_NAME, process.env.TOPIC, { seq, protocol: name });
    if (result?.error) throw new Error(`${name} publish ${seq}: ${result.error}`);
  }
  await client.stop();
}
console.log("PUBLISHED");
