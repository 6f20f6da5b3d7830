// How many Nomad requests the backend makes, counted on the wire by a relay in front of Nomad (so the counts are
// the client's, whatever answers), and what a stale allocation hint does when another process stops the sandbox.
import { createServer, connect, type Socket } from "node:net";
import { collectExec, hasErrorCode } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "./client/index.js";
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

async function setup() {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200, isolation: "none" });
  cleanups.push(() => nomad.stop());
  const relay = await relayTo(nomad.address);
  cleanups.push(() => relay.close());
  const instance = () => {
    const client = new NomadClient({ address: relay.address });
    const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: 20_000 });
    cleanups.push(async () => {
      await backend.close?.();
      await client.close();
    });
    return backend;
  };
  return { relay, a: instance(), b: instance() };
}

describe("nomad backend requests", () => {
  it("a cold lifecycle (create → running → exec → remove) is 4 API requests and one exec WebSocket", async () => {
    const { relay, a } = await setup();
    await a.create({ name: "counted" });
    await a.start("counted");
    expect((await collectExec(await a.exec("counted", { command: ["true"] }))).exitCode).toBe(0);
    await a.remove("counted");
    const { api, ws } = relay.take();
    expect(api).toEqual(["PUT /v1/jobs", "PUT /v1/jobs", "GET /v1/event/stream", "DELETE /v1/job/agentkernel-counted"]);
    expect(ws).toBe(1);
  });

  it("exec from another process looks the allocation up with one read", async () => {
    const { relay, a, b } = await setup();
    await a.create({ name: "shared" });
    await a.start("shared");
    relay.take();
    expect((await collectExec(await b.exec("shared", { command: ["true"] }))).exitCode).toBe(0);
    expect(relay.take()).toEqual({ api: ["GET /v1/job/agentkernel-shared/allocations"], ws: 1 });
  });

  it("a hint made stale by another process's stop runs nothing once the task is gone; the next exec looks again", async () => {
    const { a, b } = await setup();
    await a.create({ name: "stale" });
    await a.start("stale");
    await b.stop("stale");
    // Until the task has died, Nomad would still run an exec in it (without a hint too, if it raced the stop);
    // once it is stopped, a still holds the allocation hint from its start, and Nomad must refuse.
    await expect.poll(async () => (await b.get("stale")).status, { timeout: 10_000 }).toBe("stopped");
    const session = await a.exec("stale", { command: ["sh", "-c", "echo ran"] }).catch((e: unknown) => e);
    const outcome = hasErrorCode(session, "NOT_RUNNING")
      ? session
      : await collectExec(session as Awaited<ReturnType<typeof a.exec>>).catch((e: unknown) => e);
    expect(hasErrorCode(outcome, "NOT_RUNNING")).toBe(true);
    // The refusal dropped the hint: this one reads Nomad and is refused up front.
    await expect(a.exec("stale", { command: ["true"] })).rejects.toMatchObject({ code: "NOT_RUNNING" });
  });
});
