// A plain HTTP app (node:http, no SDK) for the input binding contract, started by the bindings E2E tests as
// `actorrt run --app-port P -- node http-binding-app.mjs` with:
//   ROUTES        comma-separated paths it takes: OPTIONS answers 200 there, 404 elsewhere (the binding is not declared)
//   FAIL_FIRST    answer the first N POSTs with 500 (then 200), to see the inbound resiliency policy retry
//   RECORD_FILE   one JSON line per POST: {"path", "status", "at", "headers", "body"}
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

const routes = new Set((process.env.ROUTES ?? "").split(",").filter((r) => r.length > 0));
let failFirst = Number(process.env.FAIL_FIRST ?? "0");
createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const path = req.url.split("?")[0];
    if (req.method === "OPTIONS") {
      res.writeHead(routes.has(path) ? 200 : 404).end();
      return;
    }
    if (req.method !== "POST" || !routes.has(path)) {
      res.writeHead(404).end();
      return;
    }
    const status = failFirst > 0 ? 500 : 200;
    if (failFirst > 0) failFirst--;
    appendFileSync(process.env.RECORD_FILE, JSON.stringify({ path, status, at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString() }) + "\n");
    res.writeHead(status).end();
  });
}).listen(Number(process.env.APP_PORT), "127.0.0.1", () => console.log("HTTP_BINDING_APP_READY"));
