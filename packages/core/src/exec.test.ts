// Output draining: the cap keeps at most maxBytes and says so; a chunk hook receives everything and keeps nothing.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { drainOutput } from "./exec.js";

const chunks = () => Readable.from([Buffer.from("abc"), Buffer.from("defg"), new Uint8Array([104])]);

describe("drainOutput", () => {
  it("keeps everything under the cap, and cuts at exactly maxBytes above it", async () => {
    expect(await drainOutput(chunks(), 100)).toEqual({ data: Buffer.from("abcdefgh"), truncated: false });
    expect(await drainOutput(chunks(), 5)).toEqual({ data: Buffer.from("abcde"), truncated: true });
  });

  it("hands every chunk to the hook, in order, awaiting it, and keeps none", async () => {
    const seen: string[] = [];
    const out = await drainOutput(chunks(), 2, async (chunk) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(chunk.toString());
    });
    expect(seen).toEqual(["abc", "defg", "h"]);
    expect(out).toEqual({ data: Buffer.alloc(0), truncated: false });
  });
});
