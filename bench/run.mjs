// pnpm bench: runs P1–P7 against the Nomad emulator on loopback, prints each figure next to its goal, writes results.json.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { startEmulatorChild } from "./lib/emulator.mjs";
import { printTable } from "./lib/table.mjs";
import { runP1 } from "./suites/p1-requests.mjs";
import { runP2 } from "./suites/p2-exec-latency.mjs";
import { runP3 } from "./suites/p3-warm-claim.mjs";
import { runP3c } from "./suites/p3c-warm-vs-cold.mjs";
import { runP4 } from "./suites/p4-stream.mjs";
import { runP5 } from "./suites/p5-files.mjs";
import { runP6 } from "./suites/p6-server.mjs";
import { runP7 } from "./suites/p7-list.mjs";

const SUITES = { P1: runP1, P2: runP2, P3: runP3, P3C: runP3c, P4: runP4, P5: runP5, P6: runP6, P7: runP7 };

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    only: { type: "string" },
    // 1 = the default (sized so the whole run stays under ~5 minutes on 2 cores); 2+ = more iterations.
    scale: { type: "string", default: process.env.BENCH_SCALE ?? "1" },
    out: { type: "string", default: new URL("./results.json", import.meta.url).pathname },
  },
});
const scale = Number(values.scale);
const only = values.only ? values.only.split(",").map((s) => s.trim().toUpperCase()) : Object.keys(SUITES);
const log = (s) => process.stdout.write(`${s}\n`);

log(`agentkernel bench — Nomad EMULATOR on loopback (a test double: absolute times are this machine's, not Nomad's)`);
log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
log(`scale ${scale}: iteration counts are scaled down to keep \`pnpm bench\` under ~5 minutes; BENCH_SCALE=3 for more`);

const started = Date.now();
const rows = [];
const failures = [];
for (const id of only) {
  const suite = SUITES[id];
  if (!suite) throw new Error(`unknown suite ${id}; use one of ${Object.keys(SUITES).join(", ")}`);
  log(`\n${id} …`);
  // A fresh emulator per suite: no suite's leftovers (10,000 jobs, warm pools) skew another's figures.
  // One roomy node: the default 4 GHz node fits only 8 sandboxes of 500 MHz, P3 keeps 1,000 warm.
  const emu = await startEmulatorChild({
    isolation: "none",
    nodes: [{ cpuMHz: 100_000_000, memoryMB: 100_000_000, diskMB: 1_000_000_000 }],
  });
  const t0 = Date.now();
  try {
    const out = await suite({ emu, scale, log });
    for (const row of out) {
      rows.push(row);
      log(`  ${row.figure}: ${describe(row)}  [goal ${row.goal}]`);
    }
  } catch (err) {
    failures.push({ id, error: String(err?.stack ?? err) });
    rows.push({
      id,
      figure: `${id} did not complete`,
      value: null,
      goal: "completes",
      pass: false,
      note: String(err?.message ?? err),
    });
    log(`  ${id} FAILED: ${err?.stack ?? err}`);
  } finally {
    await emu.stop();
  }
  log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function describe(row) {
  if (row.value === null || row.value === undefined) return row.note ?? "n/a";
  const v = row.value;
  const d = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
  return `${d(v.median)} ${row.unit} (min ${d(v.min)}, max ${d(v.max)}, n=${v.n})${row.extra ? ` ${row.extra}` : ""}`;
}

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  target: "nomad-emulator (loopback)",
  scale,
  seconds: Math.round((Date.now() - started) / 1000),
  rows,
  failures,
};
writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
log("");
printTable(rows, describe, log);
log(`\nwrote ${values.out} in ${results.seconds} s`);
process.exitCode = failures.length > 0 ? 1 : 0;
