// P2: `exec true` latency on a running sandbox (p50/p99) against child_process.spawn('true') in the same run.
import { spawn } from "node:child_process";
import { collectExec } from "@agentkernel/core";
import { nomadBackend, startedSandbox } from "../lib/sandbox.mjs";
import { msSince, percentile, summary } from "../lib/stats.mjs";

function spawnTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn("true", [], { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
}

async function timeMany(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(msSince(t0));
  }
  return out;
}

/** @param {{ emu: { address: string }, scale: number, log: (s: string) => void }} ctx */
export async function runP2(ctx) {
  const backend = nomadBackend(ctx.emu.address);
  const name = "p2-exec";
  const dispose = await startedSandbox(backend, name);
  const iterations = Math.max(20, Math.round(150 * ctx.scale));
  const rounds = 3;
  const p50 = [];
  const p99 = [];
  const base50 = [];
  const ratio = [];
  try {
    await collectExec(await backend.exec(name, { command: ["true"] })); // warm the connection pool
    for (let r = 0; r < rounds; r++) {
      // Interleaved, one exec then one spawn: on a shared machine the load drifts, and both sides must see the same.
      const ours = [];
      const base = [];
      for (let i = 0; i < iterations; i++) {
        ours.push(
          ...(await timeMany(1, async () => {
            const res = await collectExec(await backend.exec(name, { command: ["true"] }));
            if (res.exitCode !== 0) throw new Error(`P2: exec true exited ${res.exitCode}`);
          })),
        );
        base.push(...(await timeMany(1, spawnTrue)));
      }
      p50.push(percentile(ours, 50));
      p99.push(percentile(ours, 99));
      base50.push(percentile(base, 50));
      ratio.push(percentile(ours, 50) / percentile(base, 50));
    }
  } finally {
    await dispose();
    await backend.close?.();
  }
  ctx.log(`  ${rounds} rounds × ${iterations} execs; spawn('true') p50 ${summary(base50).median.toFixed(2)} ms`);
  const ratioS = summary(ratio);
  return [
    { id: "P2", figure: "exec `true` latency p50", value: summary(p50), unit: "ms", goal: "report" },
    { id: "P2", figure: "exec `true` latency p99", value: summary(p99), unit: "ms", goal: "report" },
    { id: "P2", figure: "spawn('true') latency p50 (same run)", value: summary(base50), unit: "ms", goal: "baseline" },
    {
      id: "P2",
      figure: "ratio exec p50 / spawn p50",
      value: ratioS,
      unit: "×",
      goal: "≤ 2",
      pass: ratioS.median <= 2,
    },
  ];
}
