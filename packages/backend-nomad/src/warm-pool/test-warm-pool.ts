/** Test helpers: an emulator plus a client and a Nomad warm-pool provider on it; polling with generous timeouts. */
import type { WarmPoolSpec } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { NomadClient } from "../client/index.js";
import { resolveOptions } from "../nomad-backend-options.js";
import { NameRecords } from "./name-records.js";
import { createNomadWarmPool, type NomadWarmPoolOptions, type NomadWarmPoolProvider } from "./nomad-warm-pool.js";

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A small alpine pool with the default profile. */
export const ALPINE: WarmPoolSpec = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };

/** Everything one test needs; `close()` stops it all. */
export interface WarmPoolHarness {
  nomad: Emulator;
  client: NomadClient;
  provider: NomadWarmPoolProvider;
  names: NameRecords;
  close(): Promise<void>;
}

/** Starts an emulator (plain host processes, no placement delay) and a provider on it. */
export async function startHarness(extra: Partial<NomadWarmPoolOptions> = {}): Promise<WarmPoolHarness> {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 100, isolation: "none" });
  const client = new NomadClient({ address: nomad.address });
  const { settings } = resolveOptions({}, {});
  const names = new NameRecords(() => client, undefined);
  const provider = createNomadWarmPool({ client: () => client, namespace: undefined, settings, names, ...extra });
  return {
    nomad,
    client,
    provider,
    names,
    close: async () => {
      await provider.close();
      await client.close();
      await nomad.stop();
    },
  };
}

/** Polls `fn` until it returns a truthy value. */
export async function waitUntil<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
