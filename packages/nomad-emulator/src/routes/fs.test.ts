// Contract tests for /v1/client/fs/* against REFERENCE §6 and examples/fs-stream-frames.json, over a real alloc dir and HTTP.
import { randomUUID } from "node:crypto";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Frame, type Harness, splitFrames, startHarness } from "./test-client-harness.js";

const dataOf = (frames: Frame[]): string =>
  Buffer.concat(frames.flatMap((f) => (f.Data ? [Buffer.from(f.Data, "base64")] : []))).toString();
const example = JSON.parse(
  readFileSync(new URL("../../fixtures/nomad-api-examples/fs-stream-frames.json", import.meta.url), "utf8"),
) as { raw_body_example: string; frames: Frame[]; ls_response_for_path_root: Array<Record<string, unknown>> };

let h: Harness;
const get = (path: string, headers?: Record<string, string>): Promise<Response> => fetch(`${h.base}${path}`, { headers });
const fsUrl = (op: string, params: Record<string, string> = {}): string =>
  `/v1/client/fs/${op}/${h.alloc.ID}?${new URLSearchParams(params).toString()}`;

async function expectError(res: Response, status: number, text: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  expect(res.headers.get("x-nomad-index")).toMatch(/^[0-9]+$/);
  expect(res.headers.get("x-nomad-lastcontact")).toBe("0");
  expect(await res.text()).toBe(text);
}

beforeAll(async () => {
  h = await startHarness({
    tasks: [
      { name: "main", driver: "docker" },
      { name: "later", driver: "exec", state: "pending" },
    ],
  });
  const d = h.alloc.allocDir;
  writeFileSync(join(d, "alloc/data/hello.txt"), "hello world\n");
  writeFileSync(join(d, "main/secrets/token"), "s3cret");
  writeFileSync(join(d, "main/local/big.bin"), Buffer.alloc(200_000, 0x61));
  writeFileSync(join(d, "alloc/logs/main.stdout.0"), "hello\n");
  symlinkSync("/etc/hostname", join(d, "main/local/escape"));
});
afterAll(async () => {
  await h.close();
});

describe("fs: ls and stat", () => {
  it("lists the alloc root like examples/fs-stream-frames.json, sorted by name", async () => {
    const res = await get(fsUrl("ls"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-nomad-knownleader")).toBe("true");
    const list = (await res.json()) as Array<Record<string, unknown>>;
    expect(list.map((e) => e.Name)).toEqual(["alloc", "later", "main"]);
    const keys = Object.keys(example.ls_response_for_path_root[0] ?? {}).sort();
    for (const e of list) {
      expect(Object.keys(e).sort()).toEqual(keys);
      expect(e.IsDir).toBe(true);
      expect(e.FileMode).toMatch(/^d[rwx-]{9}$/);
      expect(Number.isNaN(Date.parse(String(e.ModTime)))).toBe(false);
    }
    const logs = (await (await get(fsUrl("ls", { path: "/alloc/logs" }))).json()) as Array<Record<string, unknown>>;
    expect(logs.find((e) => e.Name === "main.stdout.0")).toMatchObject({ IsDir: false, Size: 6, FileMode: "-rw-r--r--" });
  });

  it("stat gives ContentType; secrets may be listed and stat'ed", async () => {
    const st = (await (await get(fsUrl("stat", { path: "alloc/data/hello.txt" }))).json()) as Record<string, unknown>;
    expect(st).toMatchObject({ Name: "hello.txt", IsDir: false, Size: 12, ContentType: "text/plain; charset=utf-8" });
    const secret = await get(fsUrl("stat", { path: "main/secrets/token" }));
    expect(secret.status).toBe(200);
    const ls = (await (await get(fsUrl("ls", { path: "main/secrets" }))).json()) as Array<Record<string, unknown>>;
    expect(ls.map((e) => e.Name)).toEqual(["token"]);
  });

  it("errors: 404 missing (ls/stat), 400 no path, 500 escaping path", async () => {
    const host = join(h.alloc.allocDir, "tmp/x");
    await expectError(await get(fsUrl("ls", { path: "/tmp/x" })), 404, `stat ${host}: no such file or directory`);
    await expectError(await get(fsUrl("stat", { path: "/tmp/x" })), 404, `stat ${host}: no such file or directory`);
    await expectError(await get(fsUrl("stat")), 400, "must provide a file name");
    await expectError(await get(fsUrl("ls", { path: "../../etc" })), 500, "Path escapes the alloc directory");
    await expectError(await get(fsUrl("stat", { path: "/../../../etc/passwd" })), 500, "Path escapes the alloc directory");
  });
});

describe("fs: cat and readat", () => {
  it("cat returns raw bytes; readat honours offset and limit", async () => {
    expect(await (await get(fsUrl("cat", { path: "alloc/data/hello.txt" }))).text()).toBe("hello world\n");
    expect(await (await get(fsUrl("readat", { path: "alloc/data/hello.txt", offset: "6", limit: "5" }))).text()).toBe("world");
    expect(await (await get(fsUrl("readat", { path: "alloc/data/hello.txt", offset: "6", limit: "0" }))).text()).toBe("world\n");
    expect(await (await get(fsUrl("readat", { path: "alloc/data/hello.txt", offset: "99" }))).text()).toBe("");
    expect((await (await get(fsUrl("cat", { path: "main/local/big.bin" }))).arrayBuffer()).byteLength).toBe(200_000);
  });

  it("errors: 400 missing/directory/escape, 500 secrets and bad offset", async () => {
    const host = join(h.alloc.allocDir, "tmp/x");
    await expectError(await get(fsUrl("cat", { path: "/tmp/x" })), 400, `stat ${host}: no such file or directory`);
    await expectError(
      await get(fsUrl("readat", { path: "/tmp/x", offset: "0" })),
      400,
      `stat ${host}: no such file or directory`,
    );
    await expectError(await get(fsUrl("cat", { path: "alloc" })), 400, 'file "alloc" is a directory');
    await expectError(
      await get(fsUrl("cat", { path: "main/secrets/token" })),
      500,
      "Reading secret file prohibited: main/secrets/token",
    );
    await expectError(
      await get(fsUrl("stream", { path: "/main/secrets/token" })),
      500,
      "Reading secret file prohibited: /main/secrets/token",
    );
    await expectError(await get(fsUrl("cat", { path: "../../../etc/passwd" })), 400, "Path escapes the alloc directory");
    await expectError(await get(fsUrl("cat", { path: "main/local/escape" })), 400, "Path escapes the alloc directory");
    await expectError(
      await get(fsUrl("readat", { path: "alloc/data/hello.txt" })),
      500,
      'error parsing offset: strconv.ParseInt: parsing "": invalid syntax',
    );
  });
});

describe("fs: stream", () => {
  it("frames concatenated JSON with Offset after the data; origin=end gives the last N bytes; resume by Offset", async () => {
    const all = splitFrames(await (await get(fsUrl("stream", { path: "alloc/data/hello.txt", follow: "false" }))).text());
    expect(all).toEqual([{ Offset: 12, Data: Buffer.from("hello world\n").toString("base64"), File: "alloc/data/hello.txt" }]);
    const tail = splitFrames(
      await (await get(fsUrl("stream", { path: "alloc/data/hello.txt", follow: "false", origin: "end", offset: "6" }))).text(),
    );
    expect(dataOf(tail)).toBe("world\n");
    const resumed = splitFrames(
      await (await get(fsUrl("stream", { path: "alloc/data/hello.txt", follow: "false", offset: "6", origin: "start" }))).text(),
    );
    expect(resumed).toEqual([{ Offset: 12, Data: Buffer.from("world\n").toString("base64"), File: "alloc/data/hello.txt" }]);
    await expectError(
      await get(fsUrl("stream", { path: "alloc/data/hello.txt", origin: "middle" })),
      400,
      "origin must be start or end",
    );
  });

  it("clamps origin=end beyond the start; refuses directories and negative readat offsets", async () => {
    const whole = splitFrames(
      await (await get(fsUrl("stream", { path: "alloc/data/hello.txt", follow: "false", origin: "end", offset: "999" }))).text(),
    );
    expect(dataOf(whole)).toBe("hello world\n");
    await expectError(await get(fsUrl("stream", { path: "alloc/data" })), 400, 'file "alloc/data" is a directory');
    const host = join(h.alloc.allocDir, "alloc/data/hello.txt");
    await expectError(
      await get(fsUrl("readat", { path: "alloc/data/hello.txt", offset: "-1" })),
      500,
      `seek ${host}: invalid argument`,
    );
    await expectError(await get(fsUrl("ls", { path: "alloc/data/hello.txt" })), 500, `readdirent ${host}: not a directory`);
  });

  it("caps frames at 64 KiB", async () => {
    const frames = splitFrames(await (await get(fsUrl("stream", { path: "main/local/big.bin", follow: "false" }))).text());
    const sizes = frames.map((f) => Buffer.from(f.Data ?? "", "base64").length);
    expect(Math.max(...sizes)).toBe(65536);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(frames.at(-1)?.Offset).toBe(200_000);
  });
});

describe("fs: logs", () => {
  it("framed by default with File alloc/logs/<task>.<type>.0, not following; plain=true gives raw bytes", async () => {
    const framed = await (await get(fsUrl("logs", { task: "main", type: "stdout" }))).text();
    expect(framed).toBe(example.raw_body_example.slice(0, framed.length));
    expect(splitFrames(framed)).toEqual([example.frames[0]]);
    const plain = await get(fsUrl("logs", { task: "main", type: "stdout", plain: "true" }));
    expect(await plain.text()).toBe("hello\n");
    const empty = await (await get(fsUrl("logs", { task: "main", type: "stderr" }))).text();
    expect(empty).toBe("");
  });

  it.each([
    [{ type: "stdout" }, 400, "must provide task name"],
    [{ task: "main" }, 400, "must provide log type (stdout/stderr)"],
    [{ task: "main", type: "stdout", origin: "x" }, 400, "origin must be start or end"],
    [
      { task: "main", type: "stdout", follow: "yes" },
      400,
      'failed to parse follow field to boolean: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    [{ task: "nope", type: "stdout" }, 400, 'unknown task name "nope"'],
    [{ task: "later", type: "stdout" }, 404, 'task "later" not started yet. No logs available'],
  ])("logs %j → %i", async (params, status, text) => {
    await expectError(await get(fsUrl("logs", params as Record<string, string>)), status, text);
  });
});

describe("fs: allocation and ACL checks", () => {
  it("404 for an unknown or GC'd allocation; 405 for writes", async () => {
    const id = randomUUID();
    await expectError(await get(`/v1/client/fs/ls/${id}`), 404, `Unknown allocation "${id}"`);
    h.alloc.gcd = true;
    try {
      await expectError(
        await get(fsUrl("cat", { path: "alloc/data/hello.txt" })),
        404,
        `state for allocation ${h.alloc.ID} not found on client`,
      );
    } finally {
      h.alloc.gcd = false;
    }
    await expectError(await fetch(`${h.base}${fsUrl("ls")}`, { method: "POST" }), 405, "Invalid method");
    expect(h.counts.get("GET /v1/client/fs/ls/:alloc")).toBeGreaterThan(0);
  });

  it("needs read-fs; logs accept read-logs or read-fs", async () => {
    const acl = await startHarness({ acl: { fsTok: ["read-fs"], logTok: ["read-logs"], execTok: ["alloc-exec"] } });
    try {
      const url = (op: string, q: string): string => `${acl.base}/v1/client/fs/${op}/${acl.alloc.ID}?${q}`;
      await expectError(await fetch(url("ls", "")), 403, "Permission denied");
      await expectError(await fetch(url("ls", ""), { headers: { "X-Nomad-Token": "execTok" } }), 403, "Permission denied");
      expect((await fetch(url("ls", ""), { headers: { "X-Nomad-Token": "fsTok" } })).status).toBe(200);
      await expectError(
        await fetch(url("cat", "path=alloc"), { headers: { "X-Nomad-Token": "logTok" } }),
        403,
        "Permission denied",
      );
      for (const tok of ["fsTok", "logTok"]) {
        const res = await fetch(url("logs", "task=main&type=stdout&plain=true"), { headers: { Authorization: `Bearer ${tok}` } });
        expect(res.status).toBe(200);
      }
    } finally {
      await acl.close();
    }
  });
});
