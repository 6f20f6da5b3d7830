// The pool manager against the emulator over real HTTP: fill, claim, use by name, release, replace, cold fallback, max.
import { collectExec, hasErrorCode } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import { liveChildren, type PoolHarness, startPoolHarness, waitUntil } from "./test-harness.js";

let h: PoolHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const warmOf = (harness: PoolHarness) => harness.pool.stats().perPool["alpine-3-20.moderate"];

describe("warm pool manager", () => {
  it("fills to target, hands out a warm sandbox usable by name, releases and replaces it", async () => {
    h = await startPoolHarness();
    await h.pool.start();
    await waitUntil(async () => (await h?.pool.refresh())?.perPool["alpine-3-20.moderate"]?.warm === 3, "3 warm");
    const { sandbox, warm } = await h.pool.acquire({ name: "hot-one", labels: { team: "ml" } });
    expect(warm).toBe(true);
    expect(sandbox).toMatchObject({ name: "hot-one", status: "running" });
    // Found by name through the backend, from the name record.
    const info = await h.backend.get("hot-one");
    expect(info).toMatchObject({ name: "hot-one", status: "running", labels: { team: "ml" } });
    const out = await collectExec(await h.backend.exec("hot-one", { command: ["sh", "-c", "echo warm:$0", "ok"] }));
    expect(Buffer.from(out.stdout).toString()).toContain("warm:ok");
    const taken = await h.backend.create({ name: "hot-one" }).catch((e: unknown) => e);
    expect(hasErrorCode(taken, "ALREADY_EXISTS")).toBe(true);
    await h.pool.release("hot-one");
    await expect(h.backend.get("hot-one")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await waitUntil(async () => {
      const s = (await h?.pool.refresh())?.perPool["alpine-3-20.moderate"];
      return s?.warm === 3 && s.claimed === 0;
    }, "refilled to 3");
    const stats = h.pool.stats();
    expect(stats.hits).toBe(1);
    expect(stats.claimLatency.count).toBe(1);
    expect(stats.claimLatency.p50).toBeGreaterThan(0);
  });

  it("falls back to a cold start when the pool is empty or no pool matches, and says so at debug level", async () => {
    h = await startPoolHarness({ targetSize: 0 });
    await h.pool.start();
    const empty = await h.pool.acquire({ name: "cold-one" });
    expect(empty.warm).toBe(false);
    expect(empty.sandbox.status).toBe("running");
    const other = await h.pool.acquire({ name: "cold-two", image: "python:3.12-alpine" });
    expect(other.warm).toBe(false);
    const debug = h.logger.lines.filter((l) => l.level === "debug" && /cold/.test(l.message)).map((l) => String(l.fields.reason));
    expect(debug).toEqual([
      "pool alpine-3-20.moderate has no warm sandbox",
      "no pool for image python:3.12-alpine with profile moderate",
    ]);
    expect(h.pool.stats()).toMatchObject({ hits: 0, misses: 2 });
    await h.pool.release("cold-one");
    await expect(h.backend.get("cold-one")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("never holds more than max_pool_size warm + pending + claimed", async () => {
    h = await startPoolHarness({ targetSize: 3, maxSize: 4 });
    await h.pool.start();
    await waitUntil(async () => (await h?.pool.refresh())?.perPool["alpine-3-20.moderate"]?.warm === 3, "3 warm");
    for (const name of ["m-1", "m-2", "m-3"]) expect((await h.pool.acquire({ name })).warm).toBe(true);
    for (let i = 0; i < 10; i++) {
      const s = (await h.pool.refresh()).perPool["alpine-3-20.moderate"];
      expect((s?.warm ?? 0) + (s?.pending ?? 0) + (s?.claimed ?? 0)).toBeLessThanOrEqual(4);
      expect((await liveChildren(h.client)).length).toBeLessThanOrEqual(4);
    }
    await waitUntil(() => warmOf(h as PoolHarness)?.warm === 1, "1 warm beside 3 claimed");
    expect(warmOf(h)).toMatchObject({ warm: 1, claimed: 3, target: 3, max: 4 });
  });

  it("drain stops upkeep; cleanup removes unclaimed warm sandboxes and keeps claimed ones", async () => {
    h = await startPoolHarness({ targetSize: 2, maxSize: 4 });
    const harness = h;
    await harness.pool.start();
    await waitUntil(async () => (await harness.pool.refresh()).perPool["alpine-3-20.moderate"]?.warm === 2, "2 warm");
    expect((await harness.pool.acquire({ name: "keep-me" })).warm).toBe(true);
    expect(await harness.pool.cleanup()).toBeGreaterThanOrEqual(1);
    const rounds = harness.pool.stats().upkeep.rounds;
    await new Promise((r) => setTimeout(r, 400));
    expect(harness.pool.stats().upkeep.rounds).toBe(rounds);
    expect(await harness.provider.counts({ key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" })).toEqual({
      warm: 0,
      pending: 0,
      claimed: 1,
    });
    expect((await harness.backend.get("keep-me")).status).toBe("running");
  });
});
