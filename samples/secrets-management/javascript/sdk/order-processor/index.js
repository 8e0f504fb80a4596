import { DaprClient } from "@dapr/dapr";

// Reads one secret through the sidecar, as Dapr's secrets-management quickstart does.
const SECRET_STORE = "localsecretstore";
const SECRET_NAME = "secret";

const client = new DaprClient({ daprHost: "127.0.0.1", daprPort: process.env.DAPR_HTTP_PORT ?? "3500" });
const secret = await client.secret.get(SECRET_STORE, SECRET_NAME);
console.log("Fetched Secret: " + JSON.stringify(secret));
