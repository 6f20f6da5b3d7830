// The same API over the local (bubblewrap) backend: lifecycle, exec, raw files, /run/stream, WebSocket exec with a tty.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalBackend } from "@agentkernel/backend-local";
import type { Backend } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { json, readSse, type TestServer, testServer } from "./test-server.js";

let stateDir: string;
let backend: Backend;
let t: TestServer;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "ak-server-local-"));
  backend = createLocalBackend({ stateDir, logger: () => {} });
  t = await testServer({ backend, apiKey: "local-key-abcdef12" });
});
afterAll(async () => {
  for (const s of await backend.list()) await backend.remove(s.name);
  await t.server.close();
  await backend.close?.();
  await rm(stateDir, { recursive: true, force: true });
});

describe("local backend behind the API", () => {
  it("runs the lifecycle, exec and files", async () => {
    expect((await json(await t.api("/ready"))).data).toEqual({ backend: "local", pool: "none" });
    const created = await t.api("/sandboxes", {
      method: "POST",
      json: { name: "loc", files: [{ path: "/tmp/seed.txt", content: "seed" }] },
    });
    expect(created.status).toBe(201);
    expect((await json(created)).data.status).toBe("running");
    const seed = await json(await t.api("/sandboxes/loc/files/tmp/seed.txt"));
    expect(seed.data.content).toBe("seed");
    const ran = await json(
      await t.api("/sandboxes/loc/exec", {
        method: "POST",
        json: { command: ["sh", "-c", "echo $X; exit 5"], env: { X: "local" } },
      }),
    );
    expect(ran.data).toMatchObject({ exit_code: 5, stdout: "local\n" });
    const data = randomBytes(256 * 1024);
    const put = await t.api("/sandboxes/loc/files/tmp/blob", {
      method: "PUT",
      body: data,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(put.status).toBe(200);
    const back = await t.api("/sandboxes/loc/files/tmp/blob", { headers: { accept: "application/octet-stream" } });
    expect(Buffer.from(await back.arrayBuffer()).equals(data)).toBe(true);
    expect((await t.api("/sandboxes/loc/stop", { method: "POST" })).status).toBe(200);
    expect((await json(await t.api("/sandboxes/loc/exec", { method: "POST", json: { command: ["true"] } }))).error.code).toBe(
      "NOT_RUNNING",
    );
    expect((await t.api("/sandboxes/loc", { method: "DELETE" })).status).toBe(200);
    expect((await t.api("/sandboxes/loc")).status).toBe(404);
  });

  it("streams /run/stream events with the real exit code", async () => {
    const events = await readSse(
      await t.api("/run/stream", { method: "POST", json: { command: ["sh", "-c", "echo one; exit 12"] } }),
    );
    const names = events.map((e) => e.event);
    expect(names.slice(0, 2)).toEqual(["started", "progress"]);
    expect(names.slice(-2)).toEqual(["output", "done"]);
    expect(events.at(-2)?.data).toEqual({ stream: "stdout", content: "one\n" });
    expect(events.at(-1)?.data).toMatchObject({ exit_code: 12 });
    expect(await backend.list()).toEqual([]);
  });

  it("ends the command and removes the sandbox when a /run/stream client hangs up", async () => {
    const abort = new AbortController();
    const res = await t.api("/run/stream", { method: "POST", json: { command: ["sleep", "120"] }, signal: abort.signal });
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (reader && !seen.includes('"executing"')) seen += (await reader.read()).value ?? "";
    expect(await backend.list()).toHaveLength(1);
    abort.abort();
    for (let i = 0; i < 400 && (await backend.list()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await backend.list()).toEqual([]);
  });

  it("execs over the WebSocket with a tty when the backend has one", async () => {
    await t.api("/sandboxes", { method: "POST", json: { name: "tty" } });
    const ws = new WebSocket(`${t.server.url.replace("http", "ws")}/sandboxes/tty/exec/ws`, {
      headers: { authorization: "Bearer local-key-abcdef12" },
    });
    const frames: { type: string; data_base64?: string; exit_code?: number }[] = [];
    ws.on("message", (d) => frames.push(JSON.parse(String(d))));
    await new Promise((resolve) => ws.once("open", resolve));
    const tty = backend.capabilities.tty;
    ws.send(JSON.stringify({ type: "start", command: ["sh", "-c", tty ? "test -t 1 && echo is-a-tty; exit 4" : "exit 4"], tty }));
    await new Promise((resolve) => ws.once("close", resolve));
    const out = frames
      .filter((f) => f.type === "stdout")
      .map((f) => Buffer.from(f.data_base64 ?? "", "base64").toString())
      .join("");
    if (tty) expect(out).toContain("is-a-tty");
    expect(frames.at(-1)).toEqual({ type: "exit", exit_code: 4 });
    await t.api("/sandboxes/tty", { method: "DELETE" });
  });
});
