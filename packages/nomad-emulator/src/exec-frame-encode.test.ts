// encodeDataFrames must give exactly the frames JSON.stringify would, cut at the driver's frame size.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeDataFrames, SlabPool } from "./exec-frame-encode.js";

const reference = (name: string, data: Buffer, size: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < data.length; i += size) {
    out.push(JSON.stringify({ [name]: { data: data.subarray(i, i + size).toString("base64") } }));
  }
  return out;
};

describe("encodeDataFrames", () => {
  it.each([1, 2, 3, 4095, 4096, 4097, 8192, 65536, 65537])("%i bytes: byte-identical to JSON.stringify", (n) => {
    const data = randomBytes(n);
    for (const size of [1024, 4096]) {
      for (const name of ["stdout", "stderr"] as const) {
        const { frames, bytes } = encodeDataFrames(name, data, size);
        expect(frames.map((f) => f.toString("latin1"))).toEqual(reference(name, data, size));
        expect(bytes).toBe(frames.reduce((sum, f) => sum + f.length, 0));
      }
    }
  });

  it("no data, no frames", () => {
    const { frames, bytes } = encodeDataFrames("stdout", Buffer.alloc(0), 4096);
    expect([frames, bytes]).toEqual([[], 0]);
  });
});

describe("SlabPool", () => {
  it("hands a written slab out again; one-off buffers for outsized reads are not kept", () => {
    const pool = new SlabPool();
    const data = randomBytes(65536);
    const a = encodeDataFrames("stdout", data, 4096, (n) => pool.take(n));
    expect(a.frames.map((f) => f.toString("latin1"))).toEqual(reference("stdout", data, 4096));
    pool.give(a.buffer);
    const b = encodeDataFrames("stdout", data, 4096, (n) => pool.take(n));
    // Identity checks as booleans: a failing toBe would try to print two 96 KiB buffers.
    expect(b.buffer === a.buffer).toBe(true);
    const big = pool.take(1024 * 1024);
    pool.give(big);
    expect(pool.take(1024 * 1024) === big).toBe(false);
  });
});
