// P5: upload and download of 1 GiB through the backend (writeFile/readFile): MB/s and peak RSS growth.
import { Readable } from "node:stream";
import { nomadBackend, MiB, rssSampler, startedSandbox } from "../lib/sandbox.mjs";
import { msSince, summary } from "../lib/stats.mjs";

/** A stream of `total` bytes made of one reused 1 MiB block, so the source itself holds no memory. */
function zeroes(total) {
  const block = Buffer.alloc(MiB, 0x61);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

/** @param {{ emu: { address: string }, scale: number, log: (s: string) => void }} ctx */
export async function runP5(ctx) {
  const backend = nomadBackend(ctx.emu.address);
  const name = "p5-files";
  const dispose = await startedSandbox(backend, name);
  const bytes = 1024 * MiB;
  const rounds = ctx.scale >= 1 ? 2 : 1;
  const up = [];
  const down = [];
  const rssUp = [];
  const rssDown = [];
  try {
    for (let r = 0; r < rounds; r++) {
      let sampler = rssSampler();
      let t0 = process.hrtime.bigint();
      await backend.writeFile(name, "/tmp/p5.bin", zeroes(bytes));
      up.push(bytes / 1e6 / (msSince(t0) / 1000));
      rssUp.push(sampler.stop().peakGrowthBytes / MiB);

      sampler = rssSampler();
      t0 = process.hrtime.bigint();
      let got = 0;
      for await (const chunk of await backend.readFile(name, "/tmp/p5.bin")) got += chunk.length;
      down.push(bytes / 1e6 / (msSince(t0) / 1000));
      rssDown.push(sampler.stop().peakGrowthBytes / MiB);
      if (got !== bytes) throw new Error(`P5: read back ${got} of ${bytes} bytes`);
    }
  } finally {
    await dispose();
    await backend.close?.();
  }
  ctx.log(`  ${rounds} round(s) of 1 GiB each way`);
  const ru = summary(rssUp);
  const rd = summary(rssDown);
  return [
    { id: "P5", figure: "upload 1 GiB (writeFile) throughput", value: summary(up), unit: "MB/s", goal: "succeeds", pass: true },
    { id: "P5", figure: "upload 1 GiB client peak RSS growth", value: ru, unit: "MiB", goal: "≤ 64", pass: ru.max <= 64 },
    {
      id: "P5",
      figure: "download 1 GiB (readFile) throughput",
      value: summary(down),
      unit: "MB/s",
      goal: "succeeds",
      pass: true,
    },
    { id: "P5", figure: "download 1 GiB client peak RSS growth", value: rd, unit: "MiB", goal: "≤ 64", pass: rd.max <= 64 },
  ];
}
