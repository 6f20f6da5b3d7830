// How many Nomad requests the backend makes, counted on the wire by a relay in front of Nomad (so the counts are
// the client's, whatever answers), and what a stale allocation hint does when another process stops the sandbox.
// Runs against the emulator, or against the real agent at NOMAD_ADDR (plain http; `pnpm test:nomad`).
import { randomBytes } from "node:crypto";
import { connect, createServer, type Socket } from "node:net";
import { collectExec, hasErrorCode } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient, nomadConfigFromEnv } from "./client/index.js";
import { createNomadBackend } from "./nomad-backend.js";

interface Relay {
  address: string;
  /** HTTP requests seen since the last reset ("METHOD /path" without the query), WebSocket upgrades apart. */
  take(): { api: string[]; ws: number };
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|PUT|POST|DELETE) (\/v1\/[^ ?]*)\S* HTTP\/1\.1\r$/gm;

/** A TCP relay that reads the request lines the client sends (keep-alive connections carry many). */
async function relayTo(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  let api: string[] = [];
  let ws = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let upgraded = false;
    client.on("data", (chunk: Buffer) => {
      if (upgraded) return;
      const text = chunk.toString("latin1");
      for (const m of text.matchAll(REQUEST_LINE)) {
        if (/^upgrade:\s*websocket/im.test(text)) {
          upgraded = true;
          ws++;
        } else api.push(`${m[1]} ${m[2]}`);
      }
    });
    client.pipe(upstream).pipe(client);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port: own } = server.address() as { port: number };
  return {
    address: `http://127.0.0.1:${own}`,
    take: () => {
      const out = { api, ws };
      api = [];
      ws = 0;
      return out;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const realAgent = process.env.NOMAD_ADDR;
/** Sandbox names unique per run, so a shared real cluster never sees a clash. */
const run = randomBytes(3).toString("hex");
const image = process.env.AGENTKERNEL_TEST_IMAGE ?? "alpine:3.20";

async function setup() {
  let target = realAgent;
  if (!target) {
    const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200, isolation: "none" });
    cleanups.push(() => nomad.stop());
    target = nomad.address;
  }
  const relay = await relayTo(target);
  cleanups.push(() => relay.close());
  const instance = () => {
    const client = new NomadClient({ ...nomadConfigFromEnv(process.env), address: relay.address });
    const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: realAgent ? 180_000 : 20_000 });
    cleanups.push(async () => {
      await backend.close?.();
      await client.close();
    });
    return backend;
  };
  const a = instance();
  const b = instance();
  /** A sandbox name for this run; removed after the test whatever happens. */
  const named = (base: string) => {
    const name = `${base}-${run}`;
    cleanups.push(() => a.remove(name).catch(() => undefined));
    return name;
  };
  return { relay, a, b, named };
}

describe.runIf(!realAgent || realAgent.startsWith("http://"))("nomad backend requests", () => {
  it("a cold lifecycle (create → running → exec → remove) is 4 API requests and one exec WebSocket", async () => {
    const { relay, a, named } = await setup();
    const name = named("counted");
    await a.create({ name, image });
    await a.start(name);
    expect((await collectExec(await a.exec(name, { command: ["true"] }))).exitCode).toBe(0);
    await a.remove(name);
    const { api, ws } = relay.take();
    expect(api).toEqual(["PUT /v1/jobs", "PUT /v1/jobs", "GET /v1/event/stream", `DELETE /v1/job/agentkernel-${name}`]);
    expect(ws).toBe(1);
  });

  it("exec from another process looks the allocation up with one read", async () => {
    const { relay, a, b, named } = await setup();
    const name = named("shared");
    await a.create({ name, image });
    await a.start(name);
    relay.take();
    expect((await collectExec(await b.exec(name, { command: ["true"] }))).exitCode).toBe(0);
    expect(relay.take()).toEqual({ api: [`GET /v1/job/agentkernel-${name}/allocations`], ws: 1 });
  });

  it("a hint made stale by another process's stop runs nothing once the task is gone; the next exec looks again", async () => {
    const { a, b, named } = await setup();
    const name = named("stale");
    await a.create({ name, image });
    await a.start(name);
    await b.stop(name);
    // Until the task has died, Nomad would still run an exec in it (without a hint too, if it raced the stop);
    // once it is stopped, a still holds the allocation hint from its start, and Nomad must refuse.
    await expect.poll(async () => (await b.get(name)).status, { timeout: 60_000 }).toBe("stopped");
    const session = await a.exec(name, { command: ["sh", "-c", "echo ran"] }).catch((e: unknown) => e);
    const outcome = hasErrorCode(session, "NOT_RUNNING")
      ? session
      : await collectExec(session as Awaited<ReturnType<typeof a.exec>>).catch((e: unknown) => e);
    expect(hasErrorCode(outcome, "NOT_RUNNING")).toBe(true);
    // The refusal dropped the hint: this one reads Nomad and is refused up front.
    await expect(a.exec(name, { command: ["true"] })).rejects.toMatchObject({ code: "NOT_RUNNING" });
  });
});
