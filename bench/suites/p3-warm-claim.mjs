// P3: warm claim latency p50/p99 with 10 and with 1,000 warm allocations, and the ratio between them.
import { nomadBackend } from "../lib/sandbox.mjs";
import { msSince, percentile, summary } from "../lib/stats.mjs";
import { waitWarm } from "./p1-requests.mjs";

const POOL = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };

/** Claims `n` sandboxes one after another from a pool holding `warm`, topping it back up between claims. */
async function claimLatencies(provider, warm, n, tag) {
  await provider.prewarm(POOL, warm);
  await waitWarm(provider, POOL, warm, 300_000);
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = `p3-${tag}-${i}`;
    const t0 = process.hrtime.bigint();
    const info = await provider.claim(POOL, { name, image: POOL.image, profile: POOL.profile });
    out.push(msSince(t0));
    if (!info) throw new Error(`P3: claim ${i} found no warm sandbox in a pool of ${warm}`);
    await provider.release(name);
  }
  await provider.cleanup(POOL);
  return out;
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
    const claims = Math.max(10, Math.round(30 * ctx.scale));
    const small = await claimLatencies(provider, 10, Math.min(claims, 10), "s");
    const big = await claimLatencies(provider, 1000, claims, "b");
    const ratio = percentile(big, 50) / percentile(small, 50);
    const p99 = Math.max(percentile(small, 99), percentile(big, 99));
    return [
      { id: "P3", figure: "warm claim p50, 10 warm", value: summary([percentile(small, 50)]), unit: "ms", goal: "report" },
      {
        id: "P3",
        figure: "warm claim p99, 10 warm",
        value: summary([percentile(small, 99)]),
        unit: "ms",
        goal: "≤ 10",
        pass: percentile(small, 99) <= 10,
      },
      { id: "P3", figure: "warm claim p50, 1,000 warm", value: summary([percentile(big, 50)]), unit: "ms", goal: "report" },
      {
        id: "P3",
        figure: "warm claim p99, 1,000 warm",
        value: summary([percentile(big, 99)]),
        unit: "ms",
        goal: "≤ 10",
        pass: p99 <= 10,
      },
      { id: "P3", figure: "ratio p50 1,000 / 10", value: summary([ratio]), unit: "×", goal: "≤ 1.5", pass: ratio <= 1.5 },
    ];
  } finally {
    await backend.close?.();
  }
}
