import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExecDataDecoder, decodeConcatenatedJson, decodeNdjson, isHeartbeat } from "./frames.js";

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

describe("ExecDataDecoder", () => {
  // What the session did for every frame before the fast path: JSON.parse, then base64 of the data string.
  const slow = (raw: Buffer): { stream: string; data: Buffer } | undefined => {
    try {
      const f = JSON.parse(raw.toString()) as Record<string, { data?: unknown } | undefined>;
      for (const stream of ["stdout", "stderr"]) {
        const data = f[stream]?.data;
        if (typeof data === "string") return { stream, data: Buffer.from(data, "base64") };
      }
    } catch {
      // not JSON: ignored by the session
    }
    return undefined;
  };
  const frame = (stream: string, text: string) => Buffer.from(`{"${stream}":{"data":"${text}"}}`, "latin1");

  it("reads plain data frames of every padding, sharing slabs, and leaves earlier chunks intact", () => {
    const d = new ExecDataDecoder();
    const seen: Buffer[] = [];
    const sent: Buffer[] = [];
    for (const n of [0, 1, 2, 3, 4, 4095, 4096, 1024, 70_000, 4096, 4096]) {
      const bytes = randomBytes(n);
      const stream = n % 2 === 0 ? "stdout" : "stderr";
      const got = d.decode(frame(stream, bytes.toString("base64")));
      expect(got?.stream).toBe(stream);
      seen.push(got?.data ?? Buffer.alloc(1));
      sent.push(bytes);
    }
    expect(seen.map((b) => b.toString("hex"))).toEqual(sent.map((b) => b.toString("hex")));
    expect(seen[5]?.buffer === seen[6]?.buffer).toBe(true);
  });

  it("declines every other frame, and never decodes one differently from JSON.parse", () => {
    const d = new ExecDataDecoder();
    const odd = [
      '{"stdout":{"close":true}}',
      '{"exited":true,"result":{}}',
      '{"stdout": {"data":"aGkK"}}',
      '{"stdout":{"data":"aGkK","close":true}}',
      '{"stdout":{"data":"aG\\u006bK"}}',
      '{"stdout":{"data":"aG\\"K"}}',
      '{"stdout":{"data":"aG kK"}}',
      '{"stdout":{"data":"aGk\nK"}}',
      '{"stdout":{"data":"aG=K"}}',
      '{"stdout":{"data":"aGk="}}x',
      '{"stdout":{"data":"aGké"}}',
      '{"stdout":{"data":"aGk-_A=="}}',
      '{"stdout":{"data":"aGkK"}',
      '{"stdxut":{"data":"aGkK"}}',
      '{"stdout":{"data":"a"}}',
      '{"std',
      "",
    ];
    for (const text of odd) {
      const raw = Buffer.from(text);
      const fast = d.decode(raw);
      if (fast !== undefined) expect({ stream: fast.stream, data: fast.data }).toEqual(slow(raw));
    }
    expect(d.decode(Buffer.from('{"stdout":{"close":true}}'))).toBeUndefined();
    expect(d.decode(Buffer.from('{"stdout":{"data":"aG\\u006bK"}}'))).toBeUndefined();
    expect(d.decode(Buffer.from('{"stdout":{"data":"aG kK"}}'))).toBeUndefined();
  });

  it("agrees with JSON.parse on frames with one byte changed anywhere in the data", () => {
    const d = new ExecDataDecoder();
    for (let i = 0; i < 3000; i++) {
      const raw = frame("stdout", randomBytes(1 + (i % 40)).toString("base64"));
      const at = 19 + (i % (raw.length - 22));
      raw[at] = (i * 37) % 256;
      const fast = d.decode(raw);
      if (fast !== undefined) expect({ stream: fast.stream, data: fast.data }).toEqual(slow(raw));
    }
  });
});
