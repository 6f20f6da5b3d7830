// P1: Nomad requests per cold lifecycle (create → running → exec → remove), and per warm run, counted by the emulator.
import { collectExec } from "@agentkernel/core";
import { countRequests } from "../lib/emulator.mjs";
import { nomadBackend } from "../lib/sandbox.mjs";
import { summary } from "../lib/stats.mjs";

/** @param {{ emu: import("../lib/emulator.mjs").EmulatorChild, scale: number, log: (s: string) => void }} ctx */
export async function runP1(ctx) {
  const { emu } = ctx;
  const backend = nomadBackend(emu.address);
  const runs = 3;
  const api = [];
  const ws = [];
  let routes = {};
  try {
    for (let i = 0; i < runs; i++) {
      const name = `p1-cold-${i}`;
      await emu.resetStats();
      await backend.create({ name });
      await backend.start(name);
      await collectExec(await backend.exec(name, { command: ["true"] }));
      await backend.remove(name);
      const c = countRequests(await emu.stats());
      api.push(c.api);
      ws.push(c.execWs);
      routes = c.byRoute;
    }
  } finally {
    await backend.close?.();
  }
  ctx.log(`  cold lifecycle requests by route (last run): ${JSON.stringify(routes)}`);
  const cold = summary(api);
  const rows = [
    {
      id: "P1",
      figure: "Nomad API requests per cold lifecycle (+ exec WebSockets)",
      value: cold,
      unit: "requests",
      extra: `+ ${summary(ws).median} exec WS`,
      goal: "≤ 4 + 1 exec WS",
      pass: cold.median <= 4 && summary(ws).median <= 1,
      detail: routes,
    },
  ];
  rows.push(await warmRun(ctx));
  return rows;
}

/** The same count for a warm `run` (claim → exec → release) when the backend offers a warm pool. */
async function warmRun(ctx) {
  const { emu } = ctx;
  const backend = nomadBackend(emu.address);
  const row = { id: "P1w", figure: "Nomad API requests per warm run (claim → exec → release)", unit: "requests", goal: "report" };
  try {
    const provider = backend.warmPool;
    if (!provider) return { ...row, value: null, note: "n/a: createNomadBackend exposes no warmPool provider in this build" };
    const pool = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };
    await provider.ensurePool(pool);
    const api = [];
    const ws = [];
    let routes = {};
    for (let i = 0; i < 3; i++) {
      await provider.prewarm(pool, 1);
      await waitWarm(provider, pool, 1);
      await emu.resetStats();
      const name = `p1-warm-${i}`;
      const info = await provider.claim(pool, { name, image: pool.image, profile: pool.profile });
      if (!info) throw new Error("P1w: no warm sandbox to claim although counts said one was warm");
      await collectExec(await backend.exec(name, { command: ["true"] }));
      await provider.release(name);
      const c = countRequests(await emu.stats());
      api.push(c.api);
      ws.push(c.execWs);
      routes = c.byRoute;
    }
    ctx.log(`  warm run requests by route (last run): ${JSON.stringify(routes)}`);
    await provider.cleanup(pool);
    return { ...row, value: summary(api), extra: `+ ${summary(ws).median} exec WS` };
  } finally {
    await backend.close?.();
  }
}

/** Waits until the pool reports `n` warm sandboxes (counts come from Nomad). */
export async function waitWarm(provider, pool, n, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const c = await provider.counts(pool);
    if (c.warm >= n) return c;
    if (Date.now() > end) throw new Error(`pool ${pool.key}: ${c.warm}/${n} warm after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
