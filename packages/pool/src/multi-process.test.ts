// Two pool clients in separate node processes claim concurrently from one pool: hundreds of claims, zero duplicates.
import { execFile, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALPINE, type PoolHarness, startPoolHarness, waitUntil } from "./test-harness.js";

const WARM = 120;
const packages = new URL("../../", import.meta.url).pathname;

/** Newest mtime of the non-test sources under a package's src. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The children import the built dist (plain node cannot load TypeScript): rebuild it when older than its sources. */
async function ensureDist(): Promise<void> {
  const stale = ["core", "backend-nomad"].some((pkg) => {
    const dist = join(packages, pkg, "dist/index.js");
    try {
      return statSync(dist).mtimeMs < newestSource(join(packages, pkg, "src"));
    } catch {
      return true;
    }
  });
  if (!stale) return;
  // The packages' own build, minus type checking (typecheck is its own task): several times faster.
  const filters = ["--filter", "@agentkernel/core", "--filter", "@agentkernel/backend-nomad"];
  await promisify(execFile)("pnpm", [...filters, "exec", "tsc", "-p", "tsconfig.build.json", "--noCheck"], { cwd: packages });
}

/** Runs one claimer child to its end; resolves with its claims. */
type Claims = { name: string; jobId: string; allocId: string }[];

/** Starts a claimer process; `ready` resolves once it is loaded, `go()` lets it claim, `done` has its claims. */
function claimer(address: string, prefix: string): { ready: Promise<void>; go: () => void; done: Promise<Claims> } {
  const child = spawn(process.execPath, [new URL("./__fixtures__/claimer.mjs", import.meta.url).pathname, address, prefix, "8"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
    if (err.includes("ready\n")) onReady();
  });
  const done = new Promise<Claims>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      onReady();
      if (code !== 0) reject(new Error(`claimer ${prefix} exited ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
  return { ready, go: () => child.stdin.end("go\n"), done };
}

let h: PoolHarness | undefined;
beforeAll(async () => {
  await ensureDist();
}, 240_000);
afterAll(async () => {
  await h?.close();
});

describe("claims across processes", () => {
  it(`two processes claim ${WARM} warm sandboxes concurrently: every claim distinct`, async () => {
    h = await startPoolHarness({ targetSize: 0 });
    const harness = h;
    await harness.provider.ensurePool(ALPINE);
    expect(await harness.provider.prewarm(ALPINE, WARM)).toBe(WARM);
    await waitUntil(async () => (await harness.provider.counts(ALPINE)).warm === WARM, `${WARM} warm`, 60_000);
    const claimers = [claimer(harness.nomad.address, "p1"), claimer(harness.nomad.address, "p2")];
    await Promise.all(claimers.map((c) => c.ready));
    for (const c of claimers) c.go();
    const [a, b] = await Promise.all(claimers.map((c) => c.done));
    const all = [...(a ?? []), ...(b ?? [])];
    expect(all).toHaveLength(WARM);
    expect(new Set(all.map((c) => c.jobId)).size).toBe(WARM);
    expect(new Set(all.map((c) => c.allocId)).size).toBe(WARM);
    // Both processes really competed.
    expect(a?.length).toBeGreaterThan(0);
    expect(b?.length).toBeGreaterThan(0);
    expect(await harness.provider.counts(ALPINE)).toEqual({ warm: 0, pending: 0, claimed: WARM });
    // Every name record points at the job its claimer got.
    const sample = all.slice(0, 5);
    for (const c of sample)
      expect((await harness.client.variables.read(`agentkernel/names/${c.name}`)).data.Items?.jobId).toBe(c.jobId);
  }, 180_000);
});
