// The invoked app: a node:http server. The sidecar calls POST /orders on APP_PORT (default 7001).
import http from "node:http";

const port = Number.parseInt(process.env.APP_PORT ?? "7001", 10);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "POST" && req.url.split("?")[0] === "/orders") {
      let order;
      try {
        order = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid JSON");
        return;
      }
      console.log("Order received : " + JSON.stringify(order));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(order));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
});

server.listen(port, "127.0.0.1", () => console.log(`order-processor listening on ${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
