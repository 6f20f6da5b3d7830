// P3c (issue 6): warm claim latency side by side with cold create+start, on an emulator that imitates Nomad's
// placement and an image pull, so the warm pool's gain is measured in one run.
import { startEmulatorChild } from "../lib/emulator.mjs";
import { nomadBackend } from "../lib/sandbox.mjs";
import { msSince, percentile, summary } from "../lib/stats.mjs";
import { waitWarm } from "./p1-requests.mjs";

const POOL = { key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" };
/** Imitations, not measurements of Nomad: an evaluation + placement, then a task start that pulls an image. */
const PLACEMENT_DELAY_MS = 300;
const TASK_START_DELAY_MS = 1500;

/** @param {{ scale: number, log: (s: string) => void }} ctx */
export async function runP3c(ctx) {
  // Its own emulator: the delays must not slow the other suites.
  const emu = await startEmulatorChild({
    isolation: "none",
    placementDelayMs: PLACEMENT_DELAY_MS,
    taskStartDelayMs: TASK_START_DELAY_MS,
    nodes: [{ cpuMHz: 100_000_000, memoryMB: 100_000_000, diskMB: 1_000_000_000 }],
  });
  const backend = nomadBackend(emu.address);
  const provider = backend.warmPool;
  const n = Math.max(3, Math.round(3 * ctx.scale));
  try {
    const cold = [];
    for (let i = 0; i < n; i++) {
      const name = `p3c-cold-${i}`;
      const t0 = process.hrtime.bigint();
      await backend.create({ name, image: POOL.image, profile: POOL.profile });
      await backend.start(name);
      cold.push(msSince(t0));
      await backend.remove(name);
    }
    await provider.ensurePool(POOL);
    await provider.prewarm(POOL, n);
    await waitWarm(provider, POOL, n, 120_000);
    const warm = [];
    for (let i = 0; i < n; i++) {
      const name = `p3c-warm-${i}`;
      const t0 = process.hrtime.bigint();
      const info = await provider.claim(POOL, { name, image: POOL.image, profile: POOL.profile });
      warm.push(msSince(t0));
      if (!info) throw new Error(`P3c: claim ${i} found no warm sandbox`);
      await provider.release(name);
    }
    await provider.cleanup(POOL);
    const ratios = cold.map((c, i) => c / (warm[i] ?? Number.NaN));
    ctx.log(`  emulator placement delay ${PLACEMENT_DELAY_MS} ms + task start delay ${TASK_START_DELAY_MS} ms; n=${n} each`);
    return [
      {
        id: "P3c",
        figure: "cold create+start (placement + image-pull delays set)",
        value: summary(cold),
        unit: "ms",
        goal: "report",
      },
      { id: "P3c", figure: "warm claim, same emulator and delays", value: summary(warm), unit: "ms", goal: "report" },
      {
        id: "P3c",
        figure: "cold / warm (pairwise)",
        value: summary(ratios),
        unit: "×",
        goal: "report",
        extra: `(p50 cold ${percentile(cold, 50).toFixed(0)} ms vs warm ${percentile(warm, 50).toFixed(1)} ms)`,
      },
    ];
  } finally {
    await backend.close?.();
    await emu.stop();
  }
}
