// P3: warm claim latency p50/p99 with 10 and with 1,000 warm allocations, and the ratio between them.
import { nomadBackend } from "../lib/sandbox.mjs";
import { msSince, percentile, summary } from "../lib/stats.mjs";
import { waitWarm } from "./p1-requests.mjs";

const POOL = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };

/** Claims `n` sandboxes one after another from a pool that holds at least `warm`; each is released at once. */
async function claimMany(provider, n, tag) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = `p3-${tag}-${i}`;
    const t0 = process.hrtime.bigint();
    const info = await provider.claim(POOL, { name, image: POOL.image, profile: POOL.profile });
    out.push(msSince(t0));
    if (!info) throw new Error(`P3: claim ${i} (${tag}) found no warm sandbox`);
    await provider.release(name);
  }
  return out;
}

/** Tops the pool up to `warm` and waits until Nomad reports them running. */
async function fill(provider, warm) {
  const c = await provider.counts(POOL);
  if (c.warm + c.pending < warm) await provider.prewarm(POOL, warm - c.warm - c.pending);
  await waitWarm(provider, POOL, warm, 600_000);
}

async function waitEmpty(provider) {
  for (let i = 0; i < 600; i++) {
    const c = await provider.counts(POOL);
    if (c.warm + c.pending + c.claimed === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** @param {{ emu: { address: string }, scale: number, log: (s: string) => void }} ctx */
export async function runP3(ctx) {
  const backend = nomadBackend(ctx.emu.address);
  const provider = backend.warmPool;
  try {
    if (!provider) {
      return [
        {
          id: "P3",
          figure: "warm claim latency",
          value: null,
          goal: "p99 ≤ 10 ms, ratio ≤ 1.5",
          note: "n/a: createNomadBackend exposes no warmPool provider in this build",
        },
      ];
    }
    await provider.ensurePool(POOL);
    // The goal compares 10 with 1,000 warm allocations. Filling 1,000 in the emulator (each a real process,
    // dispatched one by one) takes many minutes on a loaded 2-core machine, so scale 1 uses 60; BENCH_SCALE=17+
    // reaches 1,000.
    // 10 versus 1,000 warm allocations, each a real process in the emulator (filling 1,000 takes ~20 s here).
    const bigSize = Math.min(1000, Math.max(50, Math.round(1000 * ctx.scale)));
    const claims = Math.max(10, Math.round(20 * ctx.scale));
    const rounds = 3;
    const t0 = Date.now();
    const small = { p50: [], p99: [] };
    const big = { p50: [], p99: [] };
    for (let r = 0; r < rounds; r++) {
      await fill(provider, 10);
      const s = await claimMany(provider, 10, `s${r}`);
      small.p50.push(percentile(s, 50));
      small.p99.push(percentile(s, 99));
    }
    for (let r = 0; r < rounds; r++) {
      await fill(provider, bigSize);
      const b = await claimMany(provider, claims, `b${r}`);
      big.p50.push(percentile(b, 50));
      big.p99.push(percentile(b, 99));
    }
    await provider.cleanup(POOL);
    await waitEmpty(provider);
    const ratio = big.p50.map((b, i) => b / (small.p50[i] ?? Number.NaN));
    ctx.log(`  ${rounds} rounds each; pools of 10 and ${bigSize} warm; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const r = summary(ratio);
    const p99s = summary(big.p99);
    const p99small = summary(small.p99);
    return [
      { id: "P3", figure: "warm claim p50, 10 warm", value: summary(small.p50), unit: "ms", goal: "report" },
      { id: "P3", figure: "warm claim p99, 10 warm", value: p99small, unit: "ms", goal: "≤ 10", pass: p99small.median <= 10 },
      { id: "P3", figure: `warm claim p50, ${bigSize} warm`, value: summary(big.p50), unit: "ms", goal: "report" },
      { id: "P3", figure: `warm claim p99, ${bigSize} warm`, value: p99s, unit: "ms", goal: "≤ 10", pass: p99s.median <= 10 },
      {
        id: "P3",
        figure: `ratio p50 ${bigSize} / 10 (round by round)`,
        value: r,
        unit: "×",
        goal: "≤ 1.5",
        pass: r.median <= 1.5,
      },
    ];
  } finally {
    await backend.close?.();
  }
}
