/** Test harness: an emulator, a Nomad backend with its warm-pool provider, and a small fast pool manager on them. */
import { createNomadBackend, NomadClient } from "@agentkernel/backend-nomad";
import type { Backend, WarmPoolProvider, WarmPoolSpec } from "@agentkernel/core";
import { type EmulatorOptions, startEmulator } from "@agentkernel/nomad-emulator";
import { createWarmPool, type WarmPool } from "./warm-pool.js";
import type { WarmPoolLogger, WarmPoolOptions } from "./warm-pool-options.js";

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** The pool every test uses (the backend's default image and profile, so a bare spec matches). */
export const ALPINE: WarmPoolSpec = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };

/** A logger that keeps every line, to assert on what was said. */
export function memoryLogger(): WarmPoolLogger & {
  lines: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, message, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Everything one test needs. `close()` drains the pools and stops it all. */
export interface PoolHarness {
  nomad: Emulator;
  client: NomadClient;
  backend: Backend;
  provider: WarmPoolProvider;
  pool: WarmPool;
  logger: ReturnType<typeof memoryLogger>;
  /** Another manager (a second replica) on its own client. */
  replica(options?: Partial<WarmPoolOptions>): WarmPool;
  close(): Promise<void>;
}

/** Starts an emulator (plain processes, no placement delay) and a manager with target 3, max 5, 100 ms upkeep. */
export async function startPoolHarness(
  options: Partial<WarmPoolOptions> = {},
  emulator: EmulatorOptions = {},
): Promise<PoolHarness> {
  // One roomy node: the default 4 GHz node fits only 8 sandboxes of 500 MHz.
  const nodes = [{ cpuMHz: 1_000_000, memoryMB: 1_000_000 }];
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 100, isolation: "none", nodes, ...emulator });
  const closers: (() => Promise<void>)[] = [];
  const makeBackend = () => {
    const client = new NomadClient({ address: nomad.address, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
    const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: 20_000 });
    closers.push(async () => {
      await backend.close?.();
      await client.close();
    });
    if (!backend.warmPool) throw new Error("the Nomad backend offers no warm pool");
    return { client, backend, provider: backend.warmPool };
  };
  const logger = memoryLogger();
  const { client, backend, provider } = makeBackend();
  const make = (b: Backend, p: WarmPoolProvider, extra: Partial<WarmPoolOptions>) => {
    const pool = createWarmPool({
      backend: b,
      provider: p,
      pools: [ALPINE],
      targetSize: 3,
      maxSize: 5,
      upkeepIntervalMs: 100,
      backoffBaseMs: 50,
      logger,
      ...extra,
    });
    closers.unshift(() => pool.drain());
    return pool;
  };
  const pool = make(backend, provider, options);
  return {
    nomad,
    client,
    backend,
    provider,
    pool,
    logger,
    replica: (extra = {}) => {
      const other = makeBackend();
      return make(other.backend, other.provider, { ...options, ...extra });
    },
    close: async () => {
      for (const c of closers) await c();
      await nomad.stop();
    },
  };
}

/** Polls `fn` until it returns a truthy value. */
export async function waitUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every live (not stopped, not dead) dispatched child of every pool, straight from Nomad. */
export async function liveChildren(client: NomadClient): Promise<string[]> {
  const out: string[] = [];
  for await (const j of client.jobs.listAll({ prefix: "agentkernel-warm-pool." })) {
    if (j.ParentID && !j.Stop && j.Status !== "dead") out.push(j.ID);
  }
  return out;
}
