// P7: list with 10,000 managed jobs in the emulator: Nomad requests made and time.
import { buildSandboxJob, driverOptionsSchema } from "@agentkernel/backend-nomad";
import { countRequests } from "../lib/emulator.mjs";
import { nomadBackend } from "../lib/sandbox.mjs";
import { msSince, summary } from "../lib/stats.mjs";

/** Job settings as the bench's backend has them (raw_exec on the emulator), for buildSandboxJob. */
const SETTINGS = {
  driver: driverOptionsSchema.parse({ driver: "raw_exec", allowUnisolated: true }),
  datacenters: ["*"],
  defaultImage: "alpine:3.20",
  defaultProfile: "moderate",
  mhzPerVcpu: 1000,
  defaultResources: { cpuMHz: 500, memoryMB: 256 },
  mainCommand: ["sleep", "infinity"],
  diskMB: 300,
};

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
    // The exact job create() registers (stopped, managed Meta), sent straight to the API: one request per job
    // instead of create()'s name record + register, so filling 10,000 stays within the bench's time budget.
    await limited(jobs, 32, async (i) => {
      const job = buildSandboxJob({ name: `p7-${i}` }, SETTINGS, { stop: true, createdAt: new Date() });
      const res = await fetch(`${ctx.emu.address}/v1/jobs`, { method: "PUT", body: JSON.stringify({ Job: job }) });
      if (!res.ok) throw new Error(`P7: register p7-${i} → ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
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
    // No removal: the emulator child holding the 10,000 jobs is stopped right after this suite.
    await backend.close?.();
  }
  return [
    { id: "P7", figure: "list 10,000 managed jobs: Nomad requests", value: summary(requests), unit: "requests", goal: "report" },
    { id: "P7", figure: "list 10,000 managed jobs: time", value: summary(times), unit: "ms", goal: "report" },
  ];
}
