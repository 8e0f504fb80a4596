// Bindings quickstart, JavaScript over plain HTTP (no packages): the cron input binding posts to /cron every 10 s;
// each batch inserts the orders of ../../../orders.json through the PostgreSQL output binding `sqldb`
// (POST /v1.0/bindings/sqldb, operation exec).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";

const cronBinding = "cron";
const sqlBinding = "sqldb";
const daprUrl = `${process.env.DAPR_HOST ?? "http://localhost"}:${process.env.DAPR_HTTP_PORT ?? "3500"}/v1.0/bindings/${sqlBinding}`;
const port = Number(process.env.APP_PORT ?? "5004");

async function processBatch() {
  console.log("Processing batch..");
  const { orders } = JSON.parse(await readFile("../../../orders.json", "utf8"));
  for (const order of orders) {
    const sql = `insert into orders (orderid, customer, price) values (${order.orderid}, '${order.customer}', ${order.price});`;
    console.log(sql);
    const response = await fetch(daprUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operation: "exec", metadata: { sql } }),
    });
    if (!response.ok) throw new Error(`sqldb answered ${response.status}: ${await response.text()}`);
  }
  console.log("Finished processing batch");
}

createServer((req, res) => {
  // OPTIONS tells the sidecar this app takes the binding; POST is the event.
  if (req.url === `/${cronBinding}` && req.method === "OPTIONS") return res.writeHead(200).end();
  if (req.url === `/${cronBinding}` && req.method === "POST") {
    req.resume();
    processBatch().then(() => res.writeHead(200).end(), (e) => { console.error(e.message); res.writeHead(500).end(); });
    return;
  }
  res.writeHead(404).end();
}).listen(port, () => console.log(`listening on port ${port}!`));
