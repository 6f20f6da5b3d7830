// The cold-sandbox TTL reaper against the emulator over real HTTP, through the backend's own warmPool.reap().
import type { Backend } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "../client/index.js";
import { createNomadBackend } from "../nomad-backend.js";
import { COLD_TTL_FILTER, coldExpiry } from "./cold-reaper.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
let open: { nomad: Emulator; client: NomadClient; backend: Backend } | undefined;

afterEach(async () => {
  await open?.backend.close?.();
  await open?.client.close();
  await open?.nomad.stop();
  open = undefined;
});

async function setup() {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 100, isolation: "none" });
  const client = new NomadClient({ address: nomad.address });
  const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: 20_000 });
  open = { nomad, client, backend };
  return open;
}

async function jobIds(client: NomadClient): Promise<string[]> {
  return (await client.jobs.list({})).data.map((j) => j.ID).sort();
}

describe("cold sandbox TTL reaper", () => {
  it("purges expired cold sandboxes and keeps unexpired, TTL-less and unmanaged jobs", async () => {
    const { client, backend } = await setup();
    const reap = (now: Date) => {
      if (!backend.warmPool) throw new Error("the nomad backend should offer a warm pool provider");
      return backend.warmPool.reap({ now });
    };
    await backend.create({ name: "short", ttlSeconds: 60 });
    await backend.start("short");
    await backend.create({ name: "long", ttlSeconds: 7_200 });
    await backend.create({ name: "forever" });
    // Not managed (like a claimed warm sandbox's name lock): TTL meta, long expired, and never to be reaped.
    await client.jobs.register({
      ID: "agentkernel-not-managed",
      Type: "batch",
      Stop: true,
      Meta: {
        "agentkernel-ttl-seconds": "1",
        "agentkernel-created-at": new Date(0).toISOString(),
        "agentkernel-warm-child": "agentkernel-warm-pool.x/dispatch-1",
      },
      TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
    });
    const all = ["agentkernel-forever", "agentkernel-long", "agentkernel-not-managed", "agentkernel-short"];
    expect(await jobIds(client)).toEqual(all);

    // Now nothing has expired yet.
    expect(await reap(new Date())).toBe(0);
    expect(await jobIds(client)).toEqual(all);

    // Two minutes on: only the 60 s sandbox (running) has expired.
    expect(await reap(new Date(Date.now() + 120_000))).toBe(1);
    expect(await jobIds(client)).toEqual(["agentkernel-forever", "agentkernel-long", "agentkernel-not-managed"]);
    expect((await backend.list()).map((s) => s.name).sort()).toEqual(["forever", "long"]);

    // A day on: the 2 h one goes too; TTL-less and unmanaged jobs stay, however old. Reaping again is a no-op.
    expect(await reap(new Date(Date.now() + 86_400_000))).toBe(1);
    expect(await reap(new Date(Date.now() + 86_400_000))).toBe(0);
    expect(await jobIds(client)).toEqual(["agentkernel-forever", "agentkernel-not-managed"]);
    expect((await backend.get("forever")).status).toBe("stopped");
  });

  it("the listing filter selects managed jobs with a TTL key; expiry needs a valid TTL and creation time", async () => {
    const { client } = await setup();
    const job = (id: string, meta: Record<string, string>) =>
      client.jobs.register({
        ID: id,
        Type: "batch",
        Stop: true,
        Meta: meta,
        TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
      });
    await job("a-ttl", { "agentkernel-managed": "true", "agentkernel-ttl-seconds": "5" });
    await job("b-no-ttl", { "agentkernel-managed": "true" });
    await job("c-unmanaged", { "agentkernel-ttl-seconds": "5" });
    await job("d-no-meta", {});
    const { data } = await client.jobs.list({ filter: COLD_TTL_FILTER });
    expect(data.map((j) => j.ID)).toEqual(["a-ttl"]);

    const created = "2026-01-01T00:00:00.000Z";
    expect(coldExpiry({ "agentkernel-ttl-seconds": "60", "agentkernel-created-at": created })?.toISOString()).toBe(
      "2026-01-01T00:01:00.000Z",
    );
    for (const ttl of ["0", "-5", "1.5", "abc", ""])
      expect(coldExpiry({ "agentkernel-ttl-seconds": ttl, "agentkernel-created-at": created })).toBeUndefined();
    expect(coldExpiry({ "agentkernel-ttl-seconds": "60", "agentkernel-created-at": "yesterday" })).toBeUndefined();
    expect(coldExpiry(undefined)).toBeUndefined();
  });
});
