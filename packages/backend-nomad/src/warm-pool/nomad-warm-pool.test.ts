// The Nomad warm-pool provider against the emulator over real HTTP: fill, claim, release, names, reaper, lock.
import { hasErrorCode } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import type { NomadJob } from "../client/index.js";
import { buildSandboxJob } from "../job-builder.js";
import { resolveOptions } from "../nomad-backend-options.js";
import { claimPath, namePath, parentJobId } from "./warm-pool-ids.js";
import { buildWarmPoolJob, IMAGE_FROM_META } from "./warm-pool-job.js";
import { ALPINE, startHarness, type WarmPoolHarness, waitUntil } from "./test-warm-pool.js";

let h: WarmPoolHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function filled(harness: WarmPoolHarness, n: number) {
  await harness.provider.ensurePool(ALPINE);
  expect(await harness.provider.prewarm(ALPINE, n)).toBe(n);
  await waitUntil(
    async () => (await harness.provider.counts(ALPINE)).warm === n && harness.provider.indexedWarm(ALPINE) === n,
    `${n} warm`,
  );
}

describe("warm pool job", () => {
  it("is the cold job of the same profile, with the image from dispatch meta and every dispatch key declared", () => {
    const { settings } = resolveOptions({}, {});
    for (const profile of ["permissive", "moderate", "restrictive"] as const) {
      const pool = { key: `alpine.${profile}`, image: "alpine:3.20", profile };
      const warm = buildWarmPoolJob(pool, settings);
      const cold = buildSandboxJob({ name: "x", image: "alpine:3.20", profile }, settings, {
        stop: false,
        createdAt: new Date(0),
      });
      const [wg] = warm.TaskGroups ?? [];
      const [cg] = cold.TaskGroups;
      const [wt] = wg?.Tasks ?? [];
      const [ct] = cg.Tasks;
      expect(wt?.Config).toEqual({ ...ct.Config, image: IMAGE_FROM_META });
      expect(wt?.Resources).toEqual(ct.Resources);
      expect({ ...wg, Tasks: [] }).toEqual({ ...cg, Tasks: [] });
      expect(warm.ParameterizedJob?.MetaRequired).toEqual(["image"]);
      expect(warm.Meta?.["agentkernel-managed"]).toBeUndefined();
      expect(warm.ID).toBe(parentJobId(pool));
    }
  });
});

describe("nomad warm pool provider", () => {
  it("fills, claims (name and claim records), counts from Nomad and releases", async () => {
    h = await startHarness();
    await filled(h, 3);
    const parent = (await h.client.jobs.info(parentJobId(ALPINE))).data;
    expect(parent.ParameterizedJob?.MetaRequired).toEqual(["image"]);
    const info = await h.provider.claim(ALPINE, { name: "hot", labels: { team: "ml" } });
    expect(info).toMatchObject({ name: "hot", status: "running", image: "alpine:3.20", labels: { team: "ml" } });
    const jobId = String(info?.refs.jobId);
    expect(jobId.startsWith(`${parentJobId(ALPINE)}/dispatch-`)).toBe(true);
    expect((await h.client.variables.read(claimPath(jobId))).data.Items?.name).toBe("hot");
    expect((await h.client.variables.read(namePath("hot"))).data.Items?.jobId).toBe(jobId);
    expect(await h.provider.counts(ALPINE)).toEqual({ warm: 2, pending: 0, claimed: 1 });
    await h.provider.release("hot");
    await expect(h.client.variables.read(namePath("hot"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(h.client.jobs.info(jobId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await h.provider.counts(ALPINE)).toEqual({ warm: 2, pending: 0, claimed: 0 });
  });

  it("an empty pool claims nothing; a taken name is AlreadyExists and hands the child back", async () => {
    h = await startHarness();
    await h.provider.ensurePool(ALPINE);
    expect(await h.provider.claim(ALPINE, { name: "none" })).toBeUndefined();
    await filled(h, 1);
    // A cold sandbox holds the name: its job is `agentkernel-taken`, the very job ID the claim's name lock needs.
    const { settings } = resolveOptions({}, {});
    await h.client.jobs.register(buildSandboxJob({ name: "taken" }, settings, { stop: true, createdAt: new Date() }) as NomadJob);
    const err = await h.provider.claim(ALPINE, { name: "taken" }).catch((e: unknown) => e);
    expect(hasErrorCode(err, "ALREADY_EXISTS")).toBe(true);
    expect(await h.provider.counts(ALPINE)).toEqual({ warm: 1, pending: 0, claimed: 0 });
    // Nothing of the failed claim is left behind, and the cold sandbox's job is untouched.
    await expect(h.client.variables.read(namePath("taken"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await h.client.jobs.info("agentkernel-taken")).data.ParameterizedJob).toBeFalsy();
  });

  it("reaps lost children and expired claims; cleanup removes only unclaimed children", async () => {
    h = await startHarness();
    await filled(h, 3);
    const claimed = await h.provider.claim(ALPINE, { name: "short", ttlSeconds: 1 });
    const { data: allocs } = await h.client.allocations.list({ filter: 'JobID matches "^agentkernel-warm-pool"' });
    const victim = allocs.find((a) => a.JobID !== claimed?.refs.jobId && a.ClientStatus === "running");
    h.nomad.inject({ type: "allocLost", allocId: String(victim?.ID) });
    await waitUntil(async () => (await h?.provider.counts(ALPINE))?.warm === 1, "lost child no longer warm");
    expect(await h.provider.reap({ now: new Date(Date.now() + 2_000) })).toBe(2);
    await expect(h.client.variables.read(namePath("short"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await h.provider.counts(ALPINE)).toEqual({ warm: 1, pending: 0, claimed: 0 });
    const kept = await h.provider.claim(ALPINE, { name: "kept" });
    await filled(h, 2);
    expect(await h.provider.cleanup(ALPINE)).toBe(2);
    expect(await h.provider.counts(ALPINE)).toEqual({ warm: 0, pending: 0, claimed: 1 });
    expect(kept?.status).toBe("running");
  });

  it("the upkeep lock admits one holder at a time", async () => {
    h = await startHarness();
    let inside = 0;
    let most = 0;
    const work = () =>
      h?.provider.withUpkeepLock(ALPINE, async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 100));
        inside--;
        return true;
      });
    const results = await Promise.all([work(), work(), work()]);
    expect(results.filter((r) => r?.acquired)).toHaveLength(1);
    expect(most).toBe(1);
    expect((await work())?.acquired).toBe(true);
  });
});
