// The reaper loop on the real Nomad backend over the emulator: expired cold sandboxes go, others stay, stop is clean.
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { type Backend, configSchema, type WarmPoolProvider } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { createReaperLoop } from "./reaper-loop.js";
import { startServerFromConfig } from "./serve-config.js";
import { emulator, LogCapture, nomadBackend } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;
beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
});
afterAll(async () => {
  for (const s of await backend.list().catch(() => [])) await backend.remove(s.name).catch(() => undefined);
  await backend.close?.();
  await nomad.stop();
});

/** The real provider, counting how often the loop calls reap (the loop under test must call it). */
function counted(provider: WarmPoolProvider) {
  let calls = 0;
  let now = 0;
  let most = 0;
  const reap: WarmPoolProvider["reap"] = async (options) => {
    calls++;
    most = Math.max(most, ++now);
    try {
      return await provider.reap(options);
    } finally {
      now--;
    }
  };
  return { provider: { reap }, calls: () => calls, mostAtOnce: () => most };
}

async function names(): Promise<string[]> {
  return (await backend.list()).map((s) => s.name).sort();
}

/** Waits (generously) until `name` is no longer listed; resolves whether it went. */
async function gone(name: string, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await delay(100)) if (!(await names()).includes(name)) return true;
  return false;
}

/** A TCP address nothing listens on (a port bound and released). */
async function deadAddress(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe("reaper loop", () => {
  it("removes a cold sandbox past its TTL on a later sweep, keeps one without a TTL, and stops without leftovers", async () => {
    const warmPool = backend.warmPool;
    if (!warmPool) throw new Error("the nomad backend has no warmPool");
    await backend.create({ name: "reap-short", ttlSeconds: 1 });
    await backend.create({ name: "reap-keep" });
    const logs = new LogCapture();
    const { provider, calls, mostAtOnce } = counted(warmPool);
    const loop = createReaperLoop({ provider, logger: createLogger({ destination: logs }), intervalMs: 200, firstDelayMs: 0 });
    loop.start();
    try {
      expect(await gone("reap-short")).toBe(true);
      expect(await names()).toContain("reap-keep");
      expect(loop.stats()).toMatchObject({ failures: 0, reaped: 1 });
      expect(logs.text).toContain('"reaped":1');
      // Sweeps asked for while the timer's own may run are queued, never run side by side.
      expect(await Promise.all([loop.sweep(), loop.sweep(), loop.sweep()])).toEqual([0, 0, 0]);
      expect(mostAtOnce()).toBe(1);
    } finally {
      await loop.stop();
    }
    expect(loop.active).toBe(false);
    const after = calls();
    await delay(600);
    expect(calls()).toBe(after);
    expect(await names()).toContain("reap-keep");
    await backend.remove("reap-keep");
  });

  it("logs a down backend at warn, keeps retrying with backoff, never throws out of the timer, and stops", async () => {
    const down = createNomadBackend({ config: { address: await deadAddress() }, env: {}, driver: { driver: "exec" } });
    const warmPool = down.warmPool;
    if (!warmPool) throw new Error("the nomad backend has no warmPool");
    const logs = new LogCapture();
    const loop = createReaperLoop({
      provider: warmPool,
      logger: createLogger({ destination: logs }),
      intervalMs: 400,
      backoffBaseMs: 20,
      firstDelayMs: 0,
    });
    loop.start();
    try {
      for (let i = 0; i < 150 && loop.stats().failures < 2; i++) await delay(100);
      expect(loop.stats().failures).toBeGreaterThanOrEqual(2);
      const lines = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(lines.filter((l) => l.msg.startsWith("reaper: sweep failed")).every((l) => l.level === 40)).toBe(true);
      expect(lines.some((l) => l.msg.startsWith("reaper: sweep failed"))).toBe(true);
    } finally {
      await loop.stop();
      await down.close?.();
    }
    expect(loop.active).toBe(false);
  });

  it("runs from startServerFromConfig when no warm pool is configured, and stops with the server", async () => {
    await backend.create({ name: "reap-served", ttlSeconds: 1 });
    await delay(1_100); // Past its TTL before the server starts: the first sweep, shortly after start, removes it.
    const logs = new LogCapture();
    const config = configSchema.parse({ server: { port: 0 } });
    const server = await startServerFromConfig({ config, backend, logger: createLogger({ destination: logs }) });
    try {
      expect(await gone("reap-served")).toBe(true);
      for (let i = 0; i < 50 && !logs.text.includes('"component":"reaper"'); i++) await delay(100);
      expect(logs.text).toMatch(/"component":"reaper".*"reaped":1/);
    } finally {
      await server.close();
    }
    await server.closed;
  });
});
