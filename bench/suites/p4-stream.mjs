// P4: exec stdout streaming of 256 MiB (`head -c`): MB/s and the client's peak RSS growth.
import { nomadBackend, MiB, rssSampler, startedSandbox } from "../lib/sandbox.mjs";
import { msSince, summary } from "../lib/stats.mjs";

/** @param {{ emu: { address: string }, scale: number, log: (s: string) => void }} ctx */
export async function runP4(ctx) {
  const backend = nomadBackend(ctx.emu.address);
  const name = "p4-stream";
  const dispose = await startedSandbox(backend, name);
  const bytes = 256 * MiB;
  const rounds = 3;
  const rates = [];
  const rss = [];
  const cpu = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const sampler = rssSampler();
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const session = await backend.exec(name, { command: ["head", "-c", String(bytes), "/dev/zero"] });
      session.stderr.resume();
      let got = 0;
      for await (const chunk of session.stdout) got += chunk.length;
      const { exitCode } = await session.exit;
      const ms = msSince(t0);
      const used = process.cpuUsage(cpu0);
      cpu.push(((used.user + used.system) / 1000 / ms) * 100);
      const { peakGrowthBytes } = sampler.stop();
      if (exitCode !== 0 || got !== bytes) throw new Error(`P4: got ${got} of ${bytes} bytes, exit ${exitCode}`);
      rates.push(bytes / 1e6 / (ms / 1000));
      rss.push(peakGrowthBytes / MiB);
    }
  } finally {
    await dispose();
    await backend.close?.();
  }
  // Where the time goes: a client far below 100 % CPU is waiting on the other end (the emulator child).
  ctx.log(`  client CPU while streaming: ${summary(cpu).median.toFixed(0)} % of one core (median of ${rounds})`);
  const rate = summary(rates);
  const growth = summary(rss);
  return [
    { id: "P4", figure: "exec stdout 256 MiB throughput", value: rate, unit: "MB/s", goal: "≥ 150", pass: rate.median >= 150 },
    {
      id: "P4",
      figure: "exec stdout 256 MiB client peak RSS growth",
      value: growth,
      unit: "MiB",
      goal: "≤ 64",
      pass: growth.max <= 64,
    },
  ];
}
