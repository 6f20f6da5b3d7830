// R3: two server processes, concurrent warm claims (POST /run with fast) against one pool: zero duplicate claims.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PoolServer, startPoolServer } from "./pool-server.js";
import { type Emulator, emulator, waitUntil } from "./reliability-harness.js";
import { count, report } from "./reliability-scale.js";

const POOL_SIZE = count(8, 50);
const CLAIMS = count(24, 500);
const API_KEY = "r3-key-0123456789abcdef";

let nomad: Emulator;
const servers: PoolServer[] = [];

beforeAll(async () => {
  // One roomy node: the default 4 GHz node fits only 8 sandboxes of 500 MHz.
  nomad = await emulator({ isolation: "none", nodes: [{ cpuMHz: 10_000_000, memoryMB: 10_000_000, diskMB: 100_000_000 }] });
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startPoolServer({ nomadAddr: nomad.address, apiKey: API_KEY, target: POOL_SIZE, max: POOL_SIZE, upkeepMs: 300 }),
    );
  }
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await nomad?.stop();
});

interface RunView {
  sandbox: string;
  warm: boolean;
  exit_code: number;
  stdout: string;
  stderr: string;
}

async function run(server: PoolServer): Promise<{ status: number; data?: RunView; error?: string }> {
  const res = await fetch(`${server.url}/run`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": API_KEY },
    // mkdir is atomic: a second claimer of the same allocation fails here even if the IDs were never compared.
    body: JSON.stringify({ fast: true, command: ["sh", "-c", 'mkdir "$NOMAD_ALLOC_DIR/claimed" && echo "$NOMAD_ALLOC_ID"'] }),
  });
  const text = await res.text();
  if (!res.ok) return { status: res.status, error: text.slice(0, 300) };
  return { status: res.status, data: (JSON.parse(text) as { data: RunView }).data };
}

/** Waits until the first server's pool reports POOL_SIZE warm sandboxes (read from Nomad by upkeep). */
async function waitForWarm(): Promise<void> {
  await waitUntil(
    async () => {
      const res = await fetch(`${servers[0]?.url}/pool`, { headers: { "x-api-key": API_KEY } });
      const text = JSON.stringify(await res.json());
      return [...text.matchAll(/"warm":(\d+)/g)].some((m) => Number(m[1]) >= POOL_SIZE);
    },
    `${POOL_SIZE} warm sandboxes`,
    120_000,
  );
}

describe("R3 concurrent claims across two server processes", () => {
  it(`${CLAIMS} concurrent runs against a ${POOL_SIZE}-allocation pool hand no allocation out twice`, async () => {
    await waitForWarm();
    const results = await Promise.all(Array.from({ length: CLAIMS }, (_, i) => run(servers[i % 2] as PoolServer)));
    const ok = results.filter((r) => r.data);
    const failed = results.filter((r) => !r.data);
    const allocIds = ok.map((r) => r.data?.stdout.trim() ?? "");
    const dupAllocs = allocIds.filter((id, i) => allocIds.indexOf(id) !== i);
    const names = ok.map((r) => r.data?.sandbox ?? "");
    const dupNames = names.filter((n, i) => names.indexOf(n) !== i);
    const mkdirFailed = ok.filter((r) => r.data?.exit_code !== 0);
    const warm = ok.filter((r) => r.data?.warm).length;
    const statuses: Record<string, number> = {};
    for (const f of failed) {
      const key = `${f.status} ${/"code":"([A-Z_]+)"/.exec(f.error ?? "")?.[1] ?? ""}`.trim();
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    report("R3 claims", {
      servers: 2,
      claims: CLAIMS,
      pool: POOL_SIZE,
      ok: ok.length,
      warmHits: warm,
      coldFallbacks: ok.length - warm,
      errors: failed.length,
      errorStatuses: JSON.stringify(statuses),
      duplicateAllocs: dupAllocs.length,
      duplicateNames: dupNames.length,
      secondClaimerSeen: mkdirFailed.length,
    });
    expect(dupAllocs).toEqual([]);
    expect(dupNames).toEqual([]);
    expect(mkdirFailed.map((r) => r.data)).toEqual([]);
    // Every run either succeeded or failed with a clear HTTP error (a 429 when the queue is full is fine).
    for (const f of failed) expect(f.status, f.error).toBeGreaterThanOrEqual(400);
    expect(warm, "some claims must have come warm, or the test proved nothing").toBeGreaterThan(0);
    // Every run removed its sandbox: no name lock job and no name record of a claimed sandbox is left behind.
    const jobs = (await (await fetch(`${nomad.address}/v1/jobs`)).json()) as { ID: string }[];
    expect(jobs.map((j) => j.ID).filter((id) => !id.startsWith("agentkernel-warm-pool."))).toEqual([]);
    const vars = (await (await fetch(`${nomad.address}/v1/vars?prefix=agentkernel/names/`)).json()) as { Path: string }[];
    expect(vars.map((v) => v.Path)).toEqual([]);
  });
});
