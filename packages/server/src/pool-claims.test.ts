// Two replicas, each with its own pool manager, claiming from one Nomad warm pool: no sandbox is handed out twice.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { createWarmPool, type WarmPool } from "@agentkernel/pool";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, type Json, json, nomadBackend, type TestServer, testServer } from "./test-server.js";

const ALPINE = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" as const };
let nomad: Emulator;
const backends: Backend[] = [];
const pools: WarmPool[] = [];
const servers: TestServer[] = [];

beforeAll(async () => {
  // bwrap isolation: each sandbox has its own /tmp, so a marker file tells sandboxes apart.
  nomad = await emulator({ nodes: [{ cpuMHz: 1_000_000, memoryMB: 1_000_000 }] });
  for (let i = 0; i < 2; i++) {
    const backend = nomadBackend(nomad);
    const pool = createWarmPool({
      backend,
      pools: [ALPINE],
      targetSize: 3,
      maxSize: 8,
      upkeepIntervalMs: 200,
      backoffBaseMs: 50,
    });
    backends.push(backend);
    pools.push(pool);
    servers.push(await testServer({ backend, pool }));
  }
  await Promise.all(pools.map((p) => p.start()));
});
afterAll(async () => {
  for (const s of servers) await s.server.close();
  for (const p of pools) await p.cleanup().catch(() => 0);
  for (const b of backends) await b.close?.();
  await nomad.stop();
});

async function warm(pool: WarmPool): Promise<number> {
  return (await pool.refresh()).perPool[ALPINE.key]?.warm ?? 0;
}

describe("warm claims across replicas", () => {
  it("serves concurrent runs from both replicas, never the same sandbox twice, each released afterwards", async () => {
    const [first] = pools as [WarmPool];
    for (let i = 0; i < 400 && (await warm(first)) < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await warm(first)).toBe(3);
    const [a, b] = servers as [TestServer, TestServer];
    // A sandbox handed out twice would find the first run's marker: every run must see a fresh one.
    const mark = ["sh", "-c", "test ! -e /tmp/claimed && touch /tmp/claimed && echo fresh"];
    const runs = await Promise.all(
      [a, b, a, b, a, b].map(async (s) => json(await s.api("/run", { method: "POST", json: { command: mark } }))),
    );
    expect(runs.map((r) => r.data.stdout)).toEqual(Array(6).fill("fresh\n"));
    expect(runs.filter((r) => r.data.warm === (true as unknown as Json)).length).toBeGreaterThanOrEqual(1);
    const stats = await Promise.all(servers.map(async (s) => json(await s.api("/pool"))));
    const claims = stats.map((s) => Number(s.data.stats.hits) + Number(s.data.stats.misses));
    expect(claims).toEqual([3, 3]);
    // Nothing claimed is left behind: every run released its sandbox.
    for (let i = 0; i < 200; i++) {
      const claimed = (await first.refresh()).perPool[ALPINE.key]?.claimed;
      if (claimed === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await first.refresh()).perPool[ALPINE.key]?.claimed).toBe(0);
    expect((await json(await a.api("/sandboxes"))).data.map((s) => s.name)).toEqual([]);
  });
});
