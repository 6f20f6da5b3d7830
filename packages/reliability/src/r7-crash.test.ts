// R7: kill -9 of a CLI mid-create and of a claimer mid-claim, then restart: leftovers are removable or reaped, and
// nothing that was reported created is lost.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AgentkernelError, type WarmPoolProvider } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs fixture shared with the server child; its shape is documented there
import { warmProviderFor } from "./__fixtures__/warm-provider.mjs";
import { assertCliBuilt, cliEnv, runCli, startCli } from "./cli-runner.js";
import { type Backend, type Emulator, emulator, nomadBackend, tempDir, waitUntil } from "./reliability-harness.js";
import { count, report } from "./reliability-scale.js";

const RAW_EXEC = { driver: { driver: "raw_exec" as const, allowUnisolated: true as const } };
const POOL = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" as const };
const CLAIMER = fileURLToPath(new URL("./__fixtures__/claimer.mjs", import.meta.url));

let nomad: Emulator;
let backend: Backend;
let home: ReturnType<typeof tempDir>;
let provider: WarmPoolProvider;
let closeProvider: () => Promise<void>;

beforeAll(async () => {
  assertCliBuilt();
  home = tempDir("r7");
  nomad = await emulator({ isolation: "none", nodes: [{ cpuMHz: 10_000_000, memoryMB: 10_000_000, diskMB: 100_000_000 }] });
  backend = nomadBackend(nomad.address, RAW_EXEC);
  ({ provider, close: closeProvider } = await warmProviderFor(backend));
});

afterAll(async () => {
  await closeProvider?.();
  await backend?.close?.();
  await nomad?.stop();
  home?.cleanup();
});

/** Job IDs the emulator holds right now (any kind). */
async function jobIds(): Promise<string[]> {
  return ((await (await fetch(`${nomad.address}/v1/jobs`)).json()) as { ID: string }[]).map((j) => j.ID);
}

describe("R7 crash recovery", () => {
  it("kill -9 of the CLI mid-create: every name is then either created (and listed) or free; none is wedged", async () => {
    const n = count(4, 16);
    const env = cliEnv(home.dir, { NOMAD_ADDR: nomad.address, AGENTKERNEL_PROVIDER: "nomad" });
    const reported = new Set<string>();
    const killedAt: number[] = [];
    // One undisturbed create first: how long a whole create takes on this machine right now.
    const t0 = Date.now();
    expect((await runCli(["create", "r7-cli-probe"], { env, cwd: home.dir })).code).toBe(0);
    const fullMs = Date.now() - t0;
    await backend.remove("r7-cli-probe");
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const name = `r7-cli-${i}`;
        const { child, done } = startCli(["create", name], { env, cwd: home.dir });
        // Staggered kills from "before anything was sent" to "about done"; the last one is never killed, so
        // there is always a create that was reported and must not be lost.
        const delay = Math.round((i / Math.max(1, n - 1)) * fullMs);
        const timer = i === n - 1 ? undefined : setTimeout(() => child.kill("SIGKILL"), delay);
        const r = await done;
        clearTimeout(timer);
        if (r.code === 0) reported.add(name);
        else killedAt.push(delay);
      }),
    );
    // Restart: the same create again. It must succeed (the crash left nothing) or say ALREADY_EXISTS (it did).
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const name = `r7-cli-${i}`;
      const again = await backend.create({ name }).then(
        () => "created",
        (err: unknown) => (AgentkernelError.isInstance(err) ? err.code : `bug: ${String(err)}`),
      );
      outcomes[again] = (outcomes[again] ?? 0) + 1;
      expect(["created", "ALREADY_EXISTS"]).toContain(again);
      if (reported.has(name)) expect(again, `${name} was reported created`).toBe("ALREADY_EXISTS");
    }
    const listed = new Set((await backend.list()).map((s) => s.name));
    const lost = [...reported].filter((name) => !listed.has(name));
    for (let i = 0; i < n; i++) await backend.remove(`r7-cli-${i}`);
    const left = (await jobIds()).filter((id) => id.includes("r7-cli"));
    report("R7 CLI kill -9 mid-create", {
      clis: n,
      fullCreateMs: fullMs,
      reportedCreated: reported.size,
      killed: killedAt.length,
      ...outcomes,
      lost: lost.length,
      leftAfterRemove: left.length,
    });
    expect(lost).toEqual([]);
    expect(left).toEqual([]);
  });

  it("kill -9 of a claimer mid-claim: the reaper removes its leftovers; claims that were reported survive", async () => {
    const warm = count(6, 20);
    await provider.ensurePool(POOL);
    await provider.prewarm(POOL, warm);
    await waitUntil(async () => (await provider.counts(POOL)).warm >= warm, `${warm} warm`, 120_000);

    // A claimer that finishes and reports: its claims are "reported created" and must survive a reap now.
    const finished = await claimer(2, "r7-ok", undefined);
    const reportedClaims = finished.filter((r) => r.refs).length;
    // Claimers killed while their claims are in flight, at staggered moments.
    const kills = [20, 80, 200, 500];
    await Promise.all(kills.map((ms, i) => claimer(Math.max(1, Math.floor((warm - 2) / kills.length)), `r7-dead${i}`, ms)));

    const before = await provider.counts(POOL);
    const reapedNow = await provider.reap({ now: new Date() });
    const afterNow = await provider.counts(POOL);
    // "Restart" long after: every claim deadline and the crash grace period have passed.
    const reapedLater = await provider.reap({ now: new Date(Date.now() + 3 * 3_600_000) });
    const afterLater = await provider.counts(POOL);
    report("R7 claimer kill -9 mid-claim", {
      warm,
      reportedClaims,
      claimedBeforeReap: before.claimed,
      leftByKilledClaimers: before.claimed - reportedClaims,
      reapedNow,
      claimedAfterReapNow: afterNow.claimed,
      reapedLater,
      claimedAfterReapLater: afterLater.claimed,
      warmAfter: afterLater.warm,
    });
    // Nothing reported is lost by a reap at the present time.
    expect(afterNow.claimed).toBeGreaterThanOrEqual(reportedClaims);
    // Past every deadline nothing claimed is left: crashed claims and expired ones are gone, name locks included.
    expect(afterLater.claimed).toBe(0);
    expect((await jobIds()).filter((id) => /^agentkernel-r7-(ok|dead)/.test(id))).toEqual([]);
    await provider.cleanup(POOL);
  });

  it("kill -9 of `agentkernel run` mid-run: the orphaned sandbox carries a TTL and the reaper removes it once expired", async () => {
    const env = cliEnv(home.dir, { NOMAD_ADDR: nomad.address, AGENTKERNEL_PROVIDER: "nomad" });
    // No --timeout and no --ttl: the run sandbox gets the default TTL (1 h).
    const { child, done } = startCli(["run", "--", "sleep", "60"], { env, cwd: home.dir });
    const orphan = await waitUntil(async () => (await jobIds()).find((id) => id.includes("run-")), "a run- job", 60_000);
    child.kill("SIGKILL");
    await done;
    const meta = ((await (await fetch(`${nomad.address}/v1/job/${encodeURIComponent(orphan)}`)).json()) as JobMeta).Meta ?? {};
    // Before its TTL the orphan stays: a run that is still going must never be reaped.
    const reapedEarly = await provider.reap({ now: new Date(Date.now() + 30 * 60_000) });
    const keptEarly = (await jobIds()).includes(orphan);
    // Past it, the reaper purges it: no `rm`, no restart of the CLI.
    const reapedLate = await provider.reap({ now: new Date(Date.now() + 2 * 3_600_000) });
    const left = (await jobIds()).filter((id) => id === orphan);
    report("R7 run kill -9 mid-run", {
      ttlSeconds: Number(meta["agentkernel-ttl-seconds"]),
      reapedEarly,
      keptEarly: keptEarly ? 1 : 0,
      reapedLate,
    });
    if (left.length > 0) await runCli(["rm", "--force", orphan.replace(/^agentkernel-/, "")], { env, cwd: home.dir });
    expect(meta["agentkernel-ttl-seconds"]).toBe("3600");
    expect(keptEarly).toBe(true);
    expect(reapedLate).toBeGreaterThanOrEqual(1);
    expect(left).toEqual([]);
  });
});

interface JobMeta {
  Meta?: Record<string, string> | null;
}

interface ClaimResult {
  name: string;
  refs?: Record<string, string>;
  error?: string;
}

/** Runs a claimer process; with `killAfterMs` it is SIGKILLed that long after "go" and reports nothing. */
async function claimer(claims: number, prefix: string, killAfterMs: number | undefined): Promise<ClaimResult[]> {
  const child = fork(CLAIMER, [JSON.stringify({ nomadAddr: nomad.address, claims, prefix })], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  await new Promise<void>((r) => child.on("message", (m: { ready?: boolean }) => m.ready && r()));
  const results = new Promise<ClaimResult[]>((r) =>
    child.on("message", (m: { results?: ClaimResult[] }) => m.results && r(m.results)),
  );
  child.send("go");
  if (killAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, killAfterMs));
    child.kill("SIGKILL");
    await exited;
    return [];
  }
  const out = await results;
  await exited;
  return out;
}
