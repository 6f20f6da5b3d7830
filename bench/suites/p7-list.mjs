// P7: list with 10,000 managed jobs in the emulator: Nomad requests made and time.
import { countRequests } from "../lib/emulator.mjs";
import { nomadBackend } from "../lib/sandbox.mjs";
import { msSince, summary } from "../lib/stats.mjs";

/** Runs `task(i)` for i < count with `limit` in flight. */
async function limited(count, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** @param {{ emu: { address: string, stats(): Promise<unknown>, resetStats(): Promise<void> }, scale: number, log: (s: string) => void }} ctx */
export async function runP7(ctx) {
  const jobs = 10_000;
  const backend = nomadBackend(ctx.emu.address);
  const times = [];
  const requests = [];
  try {
    const t0 = process.hrtime.bigint();
    // create() registers a stopped job: a managed job with no process, as many as the goal asks for.
    await limited(jobs, 32, (i) => backend.create({ name: `p7-${i}` }));
    ctx.log(`  registered ${jobs} managed jobs in ${(msSince(t0) / 1000).toFixed(1)} s`);
    for (let r = 0; r < 3; r++) {
      await ctx.emu.resetStats();
      const t = process.hrtime.bigint();
      const listed = await backend.list();
      times.push(msSince(t));
      requests.push(countRequests(await ctx.emu.stats()).api);
      const ours = listed.filter((s) => s.name.startsWith("p7-")).length;
      if (ours !== jobs) throw new Error(`P7: list returned ${ours} of ${jobs} sandboxes`);
    }
  } finally {
    await limited(jobs, 32, (i) => backend.remove(`p7-${i}`).catch(() => undefined));
    await backend.close?.();
  }
  return [
    { id: "P7", figure: "list 10,000 managed jobs: Nomad requests", value: summary(requests), unit: "requests", goal: "report" },
    { id: "P7", figure: "list 10,000 managed jobs: time", value: summary(times), unit: "ms", goal: "report" },
  ];
}
