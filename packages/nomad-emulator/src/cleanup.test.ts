/** stop() leaves nothing behind: no task process (bwrap or plain), no alloc dir, no listening socket. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { startEmulator } from "./index.js";
import { arr, batchJob, call, obj, waitFor } from "./test-helpers.js";

/** PIDs whose environment contains `marker` (read from /proc; every descendant of a task inherits it). */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, "utf8").includes(marker)) out.push(Number(d));
    } catch {
      // exited while scanning
    }
  }
  return out;
}

test.each(["bwrap", "none"] as const)("no orphan processes after stop (isolation %s)", async (isolation) => {
  const nomad = await startEmulator({ port: 0, isolation });
  const marker = `emu-cleanup-${isolation}-${process.pid}-${Date.now()}`;
  // A child that forks a grandchild and ignores SIGTERM/SIGINT: only a group SIGKILL removes both.
  const script = `trap '' TERM INT; sleep 300 & sleep 301; echo ${marker}`;
  for (const driver of ["raw_exec", "docker"]) {
    const body = batchJob(`clean-${driver}`, ["sh", "-c", script], { driver });
    obj(arr(arr(obj(body.Job).TaskGroups)[0]?.Tasks)[0]).Env = { EMU_MARKER: marker };
    await call(nomad.address, "PUT", "/v1/jobs", body);
  }
  for (const driver of ["raw_exec", "docker"]) {
    await waitFor(
      async () =>
        arr((await call(nomad.address, "GET", `/v1/job/clean-${driver}/allocations`)).json)[0]?.ClientStatus === "running",
      "running",
    );
  }
  // Per task: sh plus two sleeps (and bwrap's own processes for docker).
  await waitFor(async () => pidsWith(marker).length >= 6, "task processes visible");
  const root = nomad.allocRoot;
  expect(existsSync(root)).toBe(true);
  await nomad.stop();
  await waitFor(async () => pidsWith(marker).length === 0, "all task processes gone", 10_000);
  expect(existsSync(root)).toBe(false);
  await expect(fetch(`${nomad.address}/v1/jobs`)).rejects.toThrow();
});

test.each(["bwrap", "none"] as const)("stopping a job leaves none of its processes behind (isolation %s)", async (isolation) => {
  const nomad = await startEmulator({ port: 0, isolation, maxKillTimeoutMs: 500 });
  try {
    const marker = `emu-jobstop-${isolation}-${process.pid}-${Date.now()}`;
    const body = batchJob("stop-me", ["sleep", "infinity"], { driver: "docker" });
    obj(arr(arr(obj(body.Job).TaskGroups)[0]?.Tasks)[0]).Env = { EMU_MARKER: marker };
    await call(nomad.address, "PUT", "/v1/jobs", body);
    await waitFor(
      async () => arr((await call(nomad.address, "GET", "/v1/job/stop-me/allocations")).json)[0]?.ClientStatus === "running",
      "running",
    );
    await waitFor(async () => pidsWith(marker).length >= 1, "task process visible");
    await call(nomad.address, "DELETE", "/v1/job/stop-me");
    await waitFor(
      async () => arr((await call(nomad.address, "GET", "/v1/job/stop-me/allocations")).json)[0]?.ClientStatus === "complete",
      "complete",
    );
    await waitFor(async () => pidsWith(marker).length === 0, "no process left after the alloc completed", 10_000);
  } finally {
    await nomad.stop();
  }
});
