// Warm sandboxes through the Nomad backend: found by name from another instance, names atomic for warm and cold alike.
import { collectExec, hasErrorCode } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "../client/index.js";
import { createNomadBackend } from "../nomad-backend.js";
import { resolveOptions } from "../nomad-backend-options.js";
import { buildNameLock } from "./name-lock.js";
import { claimPath } from "./warm-pool-ids.js";
import { ALPINE, waitUntil } from "./test-warm-pool.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 100, isolation: "none" });
  cleanups.push(() => nomad.stop());
  const instance = () => {
    const client = new NomadClient({ address: nomad.address });
    const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: 20_000 });
    cleanups.push(async () => {
      await backend.close?.();
      await client.close();
    });
    const provider = backend.warmPool;
    if (!provider) throw new Error("no warm pool on the Nomad backend");
    return { client, backend, provider };
  };
  return { nomad, a: instance(), b: instance() };
}

describe("warm sandboxes through the backend", () => {
  it("a claimed sandbox is found, used, listed and removed by name from another instance", async () => {
    const { a, b } = await setup();
    expect(a.backend.capabilities.warmPool).toBe(true);
    await a.provider.ensurePool(ALPINE);
    await a.provider.prewarm(ALPINE, 2);
    await waitUntil(async () => (await a.provider.counts(ALPINE)).warm === 2, "2 warm");
    await a.provider.claim(ALPINE, { name: "w", labels: { team: "ml" } });
    expect(await b.backend.get("w")).toMatchObject({
      name: "w",
      status: "running",
      labels: { team: "ml" },
      image: "alpine:3.20",
    });
    const out = await collectExec(await b.backend.exec("w", { command: ["sh", "-c", "echo from-warm"] }));
    expect(Buffer.from(out.stdout).toString()).toContain("from-warm");
    await b.backend.writeFile("w", "/tmp/x.txt", "payload");
    expect((await b.backend.list()).map((s) => s.name)).toEqual(["w"]);
    expect((await b.backend.start("w")).status).toBe("running");
    const taken = await b.backend.create({ name: "w" }).catch((e: unknown) => e);
    expect(hasErrorCode(taken, "ALREADY_EXISTS")).toBe(true);
    await b.backend.remove("w");
    await expect(a.backend.get("w")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await a.provider.counts(ALPINE)).toEqual({ warm: 1, pending: 0, claimed: 0 });
  });

  it("a cold create and a warm claim of one name race: exactly one wins", async () => {
    const { a, b } = await setup();
    await a.provider.ensurePool(ALPINE);
    await a.provider.prewarm(ALPINE, 3);
    await waitUntil(async () => (await a.provider.counts(ALPINE)).warm === 3, "3 warm");
    for (const name of ["race-1", "race-2", "race-3"]) {
      const results = await Promise.allSettled([a.backend.create({ name }), b.provider.claim(ALPINE, { name })]);
      const won = results.filter((r) => r.status === "fulfilled" && r.value !== undefined);
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(hasErrorCode(r.reason, "ALREADY_EXISTS")).toBe(true);
    }
  });

  it("a claimed name is held by a hidden name-lock job, which a claimer's crash does not wedge for good", async () => {
    const { a } = await setup();
    await a.provider.ensurePool(ALPINE);
    await a.provider.prewarm(ALPINE, 1);
    await waitUntil(async () => (await a.provider.counts(ALPINE)).warm === 1, "1 warm");
    const info = await a.provider.claim(ALPINE, { name: "locked", ttlSeconds: 1 });
    const lock = (await a.client.jobs.info("agentkernel-locked")).data;
    // Parameterized (never placed, never garbage-collected), pointing at the child, and not a listed sandbox.
    expect(lock.ParameterizedJob).toBeTruthy();
    expect(lock.Meta?.["agentkernel-warm-child"]).toBe(info?.refs.jobId);
    expect((await a.backend.list()).map((s) => s.name)).toEqual(["locked"]);
    // The claimer "crashes": its claim expires and the reaper removes child, records and the lock.
    expect(await a.provider.reap({ now: new Date(Date.now() + 5_000) })).toBe(1);
    await expect(a.client.jobs.info("agentkernel-locked")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await a.backend.create({ name: "locked" })).status).toBe("stopped");
    await a.backend.remove("locked");
  });

  it("a claimer that crashed after taking the name lock but before its name record: the reaper frees the name", async () => {
    const { a } = await setup();
    await a.provider.ensurePool(ALPINE);
    await a.provider.prewarm(ALPINE, 1);
    await waitUntil(async () => (await a.provider.counts(ALPINE)).warm === 1, "1 warm");
    const child = (await a.client.jobs.list({ prefix: "agentkernel-warm-pool." })).data.find((j) => j.ParentID)?.ID ?? "";
    const claimedAt = new Date().toISOString();
    // What the crashed claimer left: its claim record and its name lock, and nothing else.
    await a.client.variables.write(
      claimPath(child),
      {
        name: "crashed",
        claimId: "x",
        claimedAt,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        idleSeconds: "3600",
      },
      { cas: 0 },
    );
    const { settings } = resolveOptions({}, {});
    await a.client.jobs.register(buildNameLock("crashed", child, ALPINE, settings, claimedAt));
    expect(hasErrorCode(await a.backend.create({ name: "crashed" }).catch((e: unknown) => e), "ALREADY_EXISTS")).toBe(true);
    // Within the grace period nothing is touched (the claimer may still be writing); after it, all of it goes.
    expect(await a.provider.reap({ now: new Date() })).toBe(0);
    expect((await a.client.jobs.info("agentkernel-crashed")).data.ParameterizedJob).toBeTruthy();
    expect(await a.provider.reap({ now: new Date(Date.now() + 120_000) })).toBe(1);
    await expect(a.client.jobs.info("agentkernel-crashed")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await a.backend.create({ name: "crashed" })).status).toBe("stopped");
    await a.backend.remove("crashed");
  });

  it("use pushes the idle deadline forward; the reaper removes a sandbox idle past it", async () => {
    const { a, b } = await setup();
    await a.provider.ensurePool(ALPINE);
    await a.provider.prewarm(ALPINE, 1);
    await waitUntil(async () => (await a.provider.counts(ALPINE)).warm === 1, "1 warm");
    const info = await a.provider.claim(ALPINE, { name: "idle", idleTimeoutSeconds: 8 });
    const path = claimPath(String(info?.refs.jobId));
    const expiry = async () => Date.parse((await a.client.variables.read(path)).data.Items?.expiresAt ?? "");
    const first = await expiry();
    // Past a quarter of the idle time, so the next use is worth a write.
    await new Promise((r) => setTimeout(r, 2_100));
    // An exec right after the claim in the claiming instance needs no lookup (the claim's allocation is its
    // hint), and still counts as use: the push happens beside the exec, so wait for it.
    await collectExec(await a.backend.exec("idle", { command: ["true"] }));
    const second = await waitUntil(async () => {
      const at = await expiry();
      return at - first >= 2_000 ? at : undefined;
    }, "the idle deadline pushed by the exec");
    expect((await b.backend.get("idle")).status).toBe("running");
    expect(await a.provider.reap({ now: new Date(first + 1_000) })).toBe(0);
    expect(await a.provider.reap({ now: new Date(second + 1_000) })).toBe(1);
    await expect(b.backend.get("idle")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
