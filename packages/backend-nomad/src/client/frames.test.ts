import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeConcatenatedJson, decodeNdjson, isHeartbeat } from "./frames.js";

const examples = new URL("./__fixtures__/", import.meta.url);
const fsExample = JSON.parse(readFileSync(new URL("fs-stream-frames.json", examples), "utf8")) as {
  raw_body_example: string;
  frames: unknown[];
};

async function* chunks(parts: (string | Buffer)[]) {
  for (const p of parts) yield typeof p === "string" ? Buffer.from(p) : p;
}

async function collect(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("decodeConcatenatedJson", () => {
  it("decodes Nomad's recorded logs body into its frames", async () => {
    expect(await collect(decodeConcatenatedJson(chunks([fsExample.raw_body_example])))).toEqual(fsExample.frames);
  });

  it("decodes the same body split at every byte position", async () => {
    const raw = Buffer.from(fsExample.raw_body_example);
    for (let cut = 1; cut < raw.length; cut++) {
      const frames = await collect(decodeConcatenatedJson(chunks([raw.subarray(0, cut), raw.subarray(cut)])));
      expect(frames).toEqual(fsExample.frames);
    }
  });

  it("handles braces and quotes inside strings and multi-byte UTF-8 split across chunks", async () => {
    const raw = Buffer.from('{"File":"a}{\\"b\\"","X":"é☃"} {}\n{"Offset":1}');
    const bytes = [...raw].map((b) => Buffer.from([b]));
    expect(await collect(decodeConcatenatedJson(chunks(bytes)))).toEqual([{ File: 'a}{"b"', X: "é☃" }, {}, { Offset: 1 }]);
  });

  it("fails on a truncated frame and on garbage between frames", async () => {
    await expect(collect(decodeConcatenatedJson(chunks(['{"Offset":1'])))).rejects.toThrow(/middle of a JSON frame/);
    await expect(collect(decodeConcatenatedJson(chunks(["{}x{}"])))).rejects.toThrow(/unexpected byte/);
  });
});

describe("decodeNdjson", () => {
  it("decodes lines split anywhere, skipping blank lines, and a last line without newline", async () => {
    const raw = '{}\n{"Index":5,"Events":[{"Topic":"Job"}]}\n\n{"Index":6,"Events":[]}';
    for (let cut = 1; cut < raw.length; cut++) {
      const out = await collect(decodeNdjson(chunks([raw.slice(0, cut), raw.slice(cut)])));
      expect(out).toEqual([{}, { Index: 5, Events: [{ Topic: "Job" }] }, { Index: 6, Events: [] }]);
    }
  });
});

describe("isHeartbeat", () => {
  it("is true only for empty objects", () => {
    expect(isHeartbeat({})).toBe(true);
    expect(isHeartbeat({ Offset: 0 })).toBe(false);
    expect(isHeartbeat(null)).toBe(false);
  });
});
