// Bindings quickstart, JavaScript SDK: DaprServer receives the cron input binding (every 10 s) and DaprClient inserts
// the orders of ../../../orders.json through the PostgreSQL output binding `sqldb` (operation exec).
import { readFile } from "node:fs/promises";
import { DaprClient, DaprServer, CommunicationProtocolEnum } from "@dapr/dapr";

const cronBindingName = "cron";
const sqlBindingName = "sqldb";
const daprHost = "127.0.0.1";
const daprPort = process.env.DAPR_HTTP_PORT ?? "3500";
const serverPort = process.env.APP_PORT ?? "5002";

const client = new DaprClient({ daprHost, daprPort, communicationProtocol: CommunicationProtocolEnum.HTTP });
const server = new DaprServer({ serverHost: "127.0.0.1", serverPort, clientOptions: { daprHost, daprPort } });

async function processBatch() {
  console.log("Processing batch..");
  const { orders } = JSON.parse(await readFile("../../../orders.json", "utf8"));
  for (const order of orders) {
    const sql = `insert into orders (orderid, customer, price) values (${order.orderid}, '${order.customer}', ${order.price});`;
    console.log(sql);
    await client.binding.send(sqlBindingName, "exec", "", { sql });
  }
  console.log("Finished processing batch");
}

await server.binding.receive(cronBindingName, processBatch);
await server.start();
