// R2: sandbox lifecycles while the emulator injects 500/503, connection resets and a 5 s `No cluster leader` window.
import { AgentkernelError, type Backend, collectExec } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, emulator, nomadBackend } from "./reliability-harness.js";
import { count, report } from "./reliability-scale.js";

const LIFECYCLES = count(30, 200);
const CONCURRENCY = 4;
const KEPT = count(6, 20);
const RAW_EXEC = { driver: { driver: "raw_exec" as const, allowUnisolated: true as const } };

let nomad: Emulator;
let backend: Backend;
let observer: Backend;

beforeAll(async () => {
  nomad = await emulator({ isolation: "none" });
  backend = nomadBackend(nomad.address, RAW_EXEC);
  // A second backend used only once faults are cleared: the source of truth for leak checks.
  observer = nomadBackend(nomad.address, RAW_EXEC);
});

afterAll(async () => {
  await backend?.close?.();
  await observer?.close?.();
  await nomad?.stop();
});

type Outcome = { kind: "completed" } | { kind: "error"; code: string; message: string } | { kind: "bug"; error: string };

/** A core error is a clear outcome; anything else (TypeError, a string, undefined) is a bug. */
function classify(err: unknown): Outcome {
  if (AgentkernelError.isInstance(err)) return { kind: "error", code: err.code, message: err.message };
  return { kind: "bug", error: String((err as Error)?.stack ?? err).slice(0, 500) };
}

/** create → start → exec → remove, removing in any case (what a careful caller does). */
async function lifecycle(name: string, reportedCreated: Set<string>): Promise<Outcome> {
  let outcome: Outcome = { kind: "completed" };
  try {
    await backend.create({ name });
    reportedCreated.add(name);
    await backend.start(name);
    const res = await collectExec(await backend.exec(name, { command: ["sh", "-c", "echo ok"] }));
    if (res.exitCode !== 0 || res.stdout.toString() !== "ok\n") {
      outcome = { kind: "bug", error: `exec said ${res.exitCode} ${JSON.stringify(res.stdout.toString())}` };
    }
  } catch (err) {
    outcome = classify(err);
  }
  // Cleanup may fail under faults too; the leak check afterwards says whether anything stayed behind.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await backend.remove(name);
      reportedCreated.delete(name);
      break;
    } catch (err) {
      if (!AgentkernelError.isInstance(err)) return classify(err);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return outcome;
}

describe("R2 lifecycles under injected faults", () => {
  it(`${LIFECYCLES} lifecycles end completed or with a clear core error; no leaks; nothing reported created is lost`, async () => {
    nomad.inject({ type: "error", status: 500, fraction: 0.1, seed: 11 });
    nomad.inject({ type: "error", status: 503, fraction: 0.1, seed: 12 });
    nomad.inject({ type: "reset", fraction: 0.05, seed: 13 });
    const outcomes: Outcome[] = [];
    const leftovers = new Set<string>();
    const kept = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < LIFECYCLES) {
        const i = next++;
        // A 5 s leaderless window a third of the way in, while lifecycles are in flight.
        if (i === Math.floor(LIFECYCLES / 3)) nomad.inject({ type: "noLeader", durationMs: 5_000 });
        outcomes.push(await lifecycle(`r2-${i}`, leftovers));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // Sandboxes created under faults and kept: each one that reported success must exist afterwards.
    for (let i = 0; i < KEPT; i++) {
      try {
        await backend.create({ name: `r2-kept-${i}` });
        kept.add(`r2-kept-${i}`);
      } catch (err) {
        outcomes.push(classify(err));
      }
    }
    nomad.inject({ type: "clear" });
    nomad.inject({ type: "leaderRestored" });

    const listed = new Set((await observer.list()).map((s) => s.name));
    const missing = [...kept].filter((n) => !listed.has(n));
    for (const n of kept) await observer.remove(n);
    // Lifecycles whose own cleanup failed every time are retried once by us, then nothing may be left.
    for (const n of leftovers) await observer.remove(n);
    const left = (await observer.list()).map((s) => s.name);
    // Straight from the emulator's API as well: no job of any kind survives (purged, not just stopped).
    const rawJobs = (await (await fetch(`${nomad.address}/v1/jobs`)).json()) as { ID: string }[];

    const completed = outcomes.filter((o) => o.kind === "completed").length;
    const errors = outcomes.filter((o) => o.kind === "error") as Extract<Outcome, { kind: "error" }>[];
    const bugs = outcomes.filter((o) => o.kind === "bug") as Extract<Outcome, { kind: "bug" }>[];
    const codes: Record<string, number> = {};
    for (const e of errors) codes[e.code] = (codes[e.code] ?? 0) + 1;
    report("R2 faults", {
      lifecycles: LIFECYCLES,
      completed,
      clearErrors: errors.length,
      codes: JSON.stringify(codes),
      unclear: bugs.length,
      cleanupFailedThenRetried: leftovers.size,
      keptCreated: kept.size,
      keptMissing: missing.length,
      leftAfter: left.length,
      rawJobsAfter: rawJobs.length,
    });
    expect(bugs).toEqual([]);
    for (const e of errors) expect(e.message.length, e.code).toBeGreaterThan(10);
    expect(missing).toEqual([]);
    expect(left).toEqual([]);
    expect(rawJobs.map((j) => j.ID)).toEqual([]);
    expect(completed).toBeGreaterThan(0);
  });
});
