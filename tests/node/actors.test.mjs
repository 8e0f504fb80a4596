// End-to-end actor checks with the official Dapr JavaScript SDK (@dapr/dapr): this process hosts an actor
// (NodeCounterActor, an AbstractActor served by DaprServer) and calls actors through its runtime with DaprClient:
// its own, and the C# CounterActor hosted by ActorHost (tests/apps/ActorHost) in another `actorrt run`.
// Run by NodeActorTests (xunit) as the app command of `actorrt run --app-id nodeapp --app-port P -- node --test actors.test.mjs`,
// which sets DAPR_HTTP_PORT and APP_PORT. Optional:
//   ACTORRT_NODE_SIGNAL   a file path: after printing NODE_ACTOR_READY the last test keeps the actor host up until
//                         the file exists (the xunit side calls NodeCounterActor from C# meanwhile), at most 90 s
//   ACTORRT_SKIP_CSHARP   "1" skips the call to the C# CounterActor (no ActorHost running)
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import {
  AbstractActor, ActorId, ActorProxyBuilder, CommunicationProtocolEnum, DaprClient, DaprServer, LogLevel, Temporal,
} from "@dapr/dapr";

const daprPort = process.env.DAPR_HTTP_PORT;
const appPort = process.env.APP_PORT;
if (!daprPort || !appPort) throw new Error("DAPR_HTTP_PORT and APP_PORT must be set (run under `actorrt run --app-port`)");
const signalFile = process.env.ACTORRT_NODE_SIGNAL;

// getState throws for a missing key (the SDK's contract, with daprd too): read through tryGetState.
async function stateOr(actor, name, fallback) {
  const [has, value] = await actor.getStateManager().tryGetState(name);
  return has ? value : fallback;
}

export class NodeCounterActor extends AbstractActor {
  async increment() {
    const count = (await stateOr(this, "count", 0)) + 1;
    await this.getStateManager().setState("count", count);
    await this.getStateManager().saveState();
    return count;
  }

  async get() {
    return (await stateOr(this, "count", 0));
  }

  async startReminder() {
    await this.registerActorReminder("nodeping", Temporal.Duration.from({ seconds: 0 }), Temporal.Duration.from({ seconds: 1 }));
  }

  async stopReminder() {
    await this.unregisterActorReminder("nodeping");
  }

  async reminderFires() {
    return (await stateOr(this, "fires", 0));
  }

  async receiveReminder(_data) {
    const fires = (await stateOr(this, "fires", 0)) + 1;
    await this.getStateManager().setState("fires", fires);
    await this.getStateManager().saveState();
    console.log(`NODE REMINDER ${this.getActorId().getId()} nodeping ${new Date().toISOString()}`);
  }
}

// Stands for the C# CounterActor (tests/apps/ActorHost) on the calling side; never hosted here.
class CounterActor {
  async Increment() {}
  async Get() {}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The runtime learns the app's actor types from GET /dapr/config once the app listens: retry the first call a while.
async function retry(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await sleep(500);
    }
  }
  throw new Error(`${what}: still failing after ${timeoutMs} ms: ${last?.stack ?? last}`);
}

const asNumber = (v) => (typeof v === "number" ? v : Number(typeof v === "string" ? v : JSON.stringify(v)));

describe("@dapr/dapr actors", { timeout: 240_000 }, () => {
  let server;
  let client;
  let builder;

  before(async () => {
    server = new DaprServer({
      serverHost: "127.0.0.1",
      serverPort: appPort,
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      clientOptions: { daprHost: "127.0.0.1", daprPort, communicationProtocol: CommunicationProtocolEnum.HTTP },
      logger: { level: LogLevel.Error },
    });
    await server.actor.init();
    await server.actor.registerActor(NodeCounterActor);
    await server.start();
    client = new DaprClient({ daprHost: "127.0.0.1", daprPort, communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } });
    builder = new ActorProxyBuilder(NodeCounterActor, client);
  });

  after(async () => {
    await server?.stop();
  });

  it("calls a Node-hosted actor through ActorProxyBuilder; state survives between calls", async () => {
    const actor = builder.build(new ActorId(`n-${randomUUID().slice(0, 8)}`));
    assert.equal(asNumber(await retry("first call to NodeCounterActor", () => actor.increment())), 1);
    assert.equal(asNumber(await actor.increment()), 2);
    assert.equal(asNumber(await actor.get()), 2);
  });

  it("calls a Node-hosted actor through client.actor.create", async () => {
    const actor = client.actor.create(NodeCounterActor); // a proxy to a new random actor id
    assert.equal(asNumber(await retry("increment", () => actor.increment())), 1);
    assert.equal(asNumber(await actor.get()), 1);
  });

  it("fires a reminder registered by a Node-hosted actor, and stops it", async () => {
    const actor = builder.build(new ActorId(`r-${randomUUID().slice(0, 8)}`));
    await retry("startReminder", () => actor.startReminder());
    const deadline = Date.now() + 30_000;
    let fires = 0;
    while (Date.now() < deadline && fires < 2) {
      await sleep(500);
      fires = asNumber(await actor.reminderFires());
    }
    assert.ok(fires >= 2, `expected at least 2 reminder fires within 30 s, saw ${fires}`);
    await actor.stopReminder();
    await sleep(1500);
    const stopped = asNumber(await actor.reminderFires());
    await sleep(3000);
    assert.equal(asNumber(await actor.reminderFires()), stopped, "the reminder fired after it was unregistered");
  });

  it("calls the C# CounterActor hosted by another actorrt run", { skip: process.env.ACTORRT_SKIP_CSHARP === "1" }, async () => {
    // The proxy takes the actor type from the class name and the method names as written: C#'s Increment/Get.
    const actor = new ActorProxyBuilder(CounterActor, client).build(new ActorId(`from-node-${randomUUID().slice(0, 8)}`));
    assert.equal(asNumber(await retry("CounterActor.Increment", () => actor.Increment())), 1);
    assert.equal(asNumber(await actor.Increment()), 2);
    assert.equal(asNumber(await actor.Get()), 2);
  });

  it("stays up while the other side calls NodeCounterActor", { skip: !signalFile }, async () => {
    console.log("NODE_ACTOR_READY");
    const deadline = Date.now() + 90_000;
    while (!existsSync(signalFile) && Date.now() < deadline) await sleep(200);
    assert.ok(existsSync(signalFile), "the other side never signalled that it was done");
  });
});
