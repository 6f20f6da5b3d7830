// A server process with a warm pool on a Nomad backend (the emulator): R3/R5/R7 start two or more of these.
// argv[2] = JSON { nomadAddr, target, max, upkeepMs? }; the token and key come from NOMAD_TOKEN and AGENTKERNEL_API_KEY
// (never argv: R5 scans every process's argv for them).
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { poolKey } from "@agentkernel/core";
import { createWarmPool } from "@agentkernel/pool";
import { startServer } from "@agentkernel/server";
import { warmProviderFor } from "./warm-provider.mjs";

const opts = JSON.parse(process.argv[2] ?? "{}");
const backend = createNomadBackend({
  config: { address: opts.nomadAddr },
  driver: { driver: "raw_exec", allowUnisolated: true },
  onWarning: () => undefined,
  blockingWaitMs: 2_000,
  startTimeoutMs: 60_000,
});
const { provider, close } = await warmProviderFor(backend);
const image = "alpine:3.20";
const pool = createWarmPool({
  backend,
  provider,
  pools: [{ key: poolKey(image, "moderate"), image, profile: "moderate" }],
  targetSize: opts.target ?? 0,
  maxSize: opts.max ?? 1,
  upkeepIntervalMs: opts.upkeepMs ?? 500,
  backoffBaseMs: 100,
});
await pool.start();
const server = await startServer({ backend, pool, port: 0, apiKey: process.env.AGENTKERNEL_API_KEY, shutdownOn: ["SIGTERM"] });
process.send?.({ url: server.url });
await server.closed;
await close();
await backend.close?.();
process.exit(0);
