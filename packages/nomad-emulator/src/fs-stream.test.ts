// Followed fs streams and logs over a real alloc dir: heartbeats, appends, truncation, deletion, log rotation.
import { appendFileSync, truncateSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, readUntil as readStream, splitFrames, startHarness } from "./routes/test-client-harness.js";

let h: Harness;
const fsUrl = (op: string, params: Record<string, string> = {}): string =>
  `/v1/client/fs/${op}/${h.alloc.ID}?${new URLSearchParams(params).toString()}`;
const readUntil = (path: string, done: (body: string) => boolean): Promise<string> => readStream(h.base, path, done);

beforeAll(async () => {
  h = await startHarness({ tasks: [{ name: "main", driver: "raw_exec" }] });
  writeFileSync(join(h.alloc.allocDir, "alloc/logs/main.stdout.0"), "hello\n");
});
afterAll(async () => {
  await h.close();
});

describe("fs stream: follow", () => {
  it("follows by default: `{}` heartbeats while idle, appended data, then `file truncated`", async () => {
    const file = join(h.alloc.allocDir, "alloc/data/follow.txt");
    writeFileSync(file, "a\n");
    let step = 0;
    const body = await readUntil(fsUrl("stream", { path: "alloc/data/follow.txt" }), (b) => {
      if (step === 0 && b.includes("{}")) {
        step = 1;
        appendFileSync(file, "b\n");
      } else if (step === 1 && b.includes(Buffer.from("b\n").toString("base64"))) {
        step = 2;
        truncateSync(file, 0);
      }
      return b.includes("file truncated");
    });
    const frames = splitFrames(body);
    expect(frames[0]).toEqual({ Offset: 2, Data: Buffer.from("a\n").toString("base64"), File: "alloc/data/follow.txt" });
    expect(frames).toContainEqual({});
    expect(frames).toContainEqual({ Offset: 4, Data: Buffer.from("b\n").toString("base64"), File: "alloc/data/follow.txt" });
    expect(frames.at(-1)).toEqual({ File: "alloc/data/follow.txt", FileEvent: "file truncated" });
  });

  it("ends a followed stream with `file deleted` when the file goes away", async () => {
    const file = join(h.alloc.allocDir, "alloc/data/gone.txt");
    writeFileSync(file, "x");
    const body = await readUntil(fsUrl("stream", { path: "alloc/data/gone.txt" }), (b) => {
      if (b.includes('"Offset":1')) rmSync(file, { force: true });
      return b.includes("file deleted");
    });
    expect(splitFrames(body).at(-1)).toEqual({ File: "alloc/data/gone.txt", FileEvent: "file deleted" });
  });
});

describe("fs logs: follow", () => {
  it("follow=true streams appended output across a rotation", async () => {
    const d = join(h.alloc.allocDir, "alloc/logs");
    let step = 0;
    const body = await readUntil(fsUrl("logs", { task: "main", type: "stdout", follow: "true", offset: "6" }), (b) => {
      if (step === 0 && b.includes("{}")) {
        step = 1;
        appendFileSync(join(d, "main.stdout.0"), "bye\n");
        writeFileSync(join(d, "main.stdout.1"), "next\n");
      }
      return b.includes(Buffer.from("next\n").toString("base64"));
    });
    const frames = splitFrames(body).filter((f) => f.Data);
    expect(frames).toEqual([
      { Offset: 10, Data: Buffer.from("bye\n").toString("base64"), File: "alloc/logs/main.stdout.0" },
      { Offset: 5, Data: Buffer.from("next\n").toString("base64"), File: "alloc/logs/main.stdout.1" },
    ]);
  });
});
