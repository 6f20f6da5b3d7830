// Upkeep under emulator faults (500s, leader loss, lost allocations) and with two replicas: recovers to target, no duplicates, no leaks.
import type { SandboxInfo } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import { liveChildren, type PoolHarness, startPoolHarness, waitUntil } from "./test-harness.js";

let h: PoolHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const KEY = "alpine-3-20.moderate";

/** Every child Nomad still lists must be live (dead ones reaped) and either warm, pending or claimed. */
async function expectNoLeaks(harness: PoolHarness, max: number) {
  const stats = await harness.pool.refresh();
  const s = stats.perPool[KEY];
  const all: string[] = [];
  for await (const j of harness.client.jobs.listAll({ prefix: "agentkernel-warm-pool." })) if (j.ParentID) all.push(j.ID);
  const live = await liveChildren(harness.client);
  expect(all.sort()).toEqual(live.sort());
  expect(live.length).toBe((s?.warm ?? 0) + (s?.pending ?? 0) + (s?.claimed ?? 0));
  expect(live.length).toBeLessThanOrEqual(max);
}

describe("upkeep under faults", () => {
  it("backs off through 500s, leader loss and lost allocations, then recovers to target without duplicates or leaks", async () => {
    h = await startPoolHarness({ targetSize: 4, maxSize: 8 });
    const harness = h;
    await harness.pool.start();
    await waitUntil(async () => (await harness.pool.refresh()).perPool[KEY]?.warm === 4, "4 warm");
    const claims: SandboxInfo[] = [];
    const claim = async (name: string) => {
      const r = await harness.pool.acquire({ name }).catch(() => undefined);
      if (r?.warm) claims.push(r.sandbox);
    };
    await claim("f-1");

    // Lose two warm allocations, fail dispatches with a non-retryable 500, then take the leader away.
    const { data: allocs } = await harness.client.allocations.list({ filter: 'JobID matches "^agentkernel-warm-pool"' });
    const warm = allocs.filter((a) => a.ClientStatus === "running" && !claims.some((c) => c.refs.jobId === a.JobID));
    for (const a of warm.slice(0, 2)) harness.nomad.inject({ type: "allocLost", allocId: a.ID });
    harness.nomad.inject({ type: "error", status: 500, message: "rpc error: EOF", route: "PUT /v1/job/:id/dispatch", count: 4 });
    harness.nomad.inject({ type: "error", status: 503, fraction: 0.3, seed: 7 });
    harness.nomad.inject({ type: "noLeader", durationMs: 1_500 });
    await claim("f-2");
    await waitUntil(() => harness.pool.stats().upkeep.failures > 0, "an upkeep round to fail");
    await claim("f-3");
    await new Promise((r) => setTimeout(r, 1_600));
    harness.nomad.inject({ type: "clear" });

    await waitUntil(
      async () => {
        const s = (await harness.pool.refresh().catch(() => undefined))?.perPool[KEY];
        return s?.warm === 4 && s.pending === 0;
      },
      "recovery to 4 warm",
      30_000,
    );
    await claim("f-4");
    const stats = harness.pool.stats();
    expect(stats.upkeep.backingOff).toBe(false);
    expect(harness.logger.lines.some((l) => /recovered/.test(l.message))).toBe(true);
    const jobIds = claims.map((c) => String(c.refs.jobId));
    expect(new Set(jobIds).size).toBe(jobIds.length);
    expect(jobIds.length).toBeGreaterThanOrEqual(2);
    await waitUntil(async () => (await harness.pool.refresh()).perPool[KEY]?.warm === 4, "4 warm again");
    await expectNoLeaks(harness, 8);
  });

  it("two replicas running upkeep at once never over-dispatch", async () => {
    h = await startPoolHarness({ targetSize: 5, maxSize: 6, upkeepIntervalMs: 20 });
    const harness = h;
    const other = harness.replica();
    await Promise.all([harness.pool.start(), other.start()]);
    // Sample until the pool is full, then keep sampling while both replicas keep running rounds.
    let most = 0;
    const sample = async () => {
      const n = (await liveChildren(harness.client)).length;
      most = Math.max(most, n);
      return n;
    };
    await waitUntil(async () => (await sample()) === 5, "5 live children");
    const end = Date.now() + 1_500;
    while (Date.now() < end) {
      await sample();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(most).toBe(5);
    await other.drain();
    await expectNoLeaks(harness, 6);
  });
});
