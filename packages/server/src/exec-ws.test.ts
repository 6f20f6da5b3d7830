// WebSocket exec over a real socket: stdin round trip, exit codes, bad frames, and HTTP errors before the upgrade.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { emulator, nomadBackend, type TestServer, testServer } from "./test-server.js";

const KEY = "ws-key-abcdef123456";
let nomad: Emulator;
let backend: Backend;
let t: TestServer;

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  t = await testServer({ backend, apiKey: KEY });
  expect((await t.api("/sandboxes", { method: "POST", json: { name: "wsbox" } })).status).toBe(201);
});
afterAll(async () => {
  await t.server.close();
  await backend.close?.();
  await nomad.stop();
});

interface Session {
  frames: { type: string; [k: string]: unknown }[];
  closed: Promise<{ code: number; reason: string }>;
  ws: WebSocket;
  stdout(): string;
  /** Resolves once a frame of `type` arrived. */
  waitFor(type: string): Promise<void>;
}

function connect(name: string, key: string | null = KEY): Promise<Session> {
  const ws = new WebSocket(`${t.server.url.replace("http", "ws")}/sandboxes/${name}/exec/ws`, {
    headers: key ? { "x-api-key": key } : {},
  });
  const frames: Session["frames"] = [];
  const listeners: (() => void)[] = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)));
    for (const l of listeners) l();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () =>
      resolve({
        frames,
        closed,
        ws,
        stdout: () =>
          frames
            .filter((f) => f.type === "stdout")
            .map((f) => Buffer.from(String(f.data_base64), "base64").toString("utf8"))
            .join(""),
        waitFor: (type) =>
          new Promise<void>((done) => {
            const check = () => {
              if (frames.some((f) => f.type === type)) done();
            };
            listeners.push(check);
            check();
          }),
      }),
    );
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

const send = (s: Session, frame: object) => s.ws.send(JSON.stringify(frame));

describe("websocket exec", () => {
  it("streams stdin to the command and its output back, then the real exit code", async () => {
    const s = await connect("wsbox");
    send(s, { type: "start", command: ["sh", "-c", "cat; echo done >&2; exit 6"] });
    // Sent right away: frames that arrive before the backend opened the session are kept in order.
    send(s, { type: "stdin", data: "hello " });
    send(s, { type: "stdin", data_base64: Buffer.from("world").toString("base64") });
    send(s, { type: "stdin_eof" });
    const closed = await s.closed;
    expect(closed.code).toBe(1000);
    expect(s.frames[0]?.type).toBe("started");
    expect(s.stdout()).toBe("hello world");
    const stderr = s.frames.find((f) => f.type === "stderr");
    expect(Buffer.from(String(stderr?.data_base64), "base64").toString()).toBe("done\n");
    expect(s.frames.at(-1)).toEqual({ type: "exit", exit_code: 6 });
  });

  it("attaches an interactive shell (stdin, resize frames, exit code)", async () => {
    expect(backend.capabilities.attach).toBe(true);
    const s = await connect("wsbox");
    send(s, { type: "start", attach: true, shell: "/bin/sh", tty: { rows: 30, cols: 100 } });
    send(s, { type: "resize", rows: 40, cols: 120 });
    send(s, { type: "stdin", data: "echo attached; exit 3\n" });
    expect((await s.closed).code).toBe(1000);
    expect(s.frames[0]).toEqual({ type: "started" });
    expect(s.stdout()).toContain("attached");
    expect(s.frames.at(-1)).toEqual({ type: "exit", exit_code: 3 });
  });

  it("kill ends a long command", async () => {
    const s = await connect("wsbox");
    send(s, { type: "start", command: ["sleep", "60"] });
    await s.waitFor("started");
    send(s, { type: "kill" });
    const closed = await s.closed;
    expect([1000, 1011]).toContain(closed.code);
    expect(s.frames.some((f) => f.type === "exit" || f.type === "error")).toBe(true);
  });

  it("answers a bad frame with an error frame and close 1008", async () => {
    const s = await connect("wsbox");
    s.ws.send("not json");
    expect((await s.closed).code).toBe(1008);
    expect(s.frames).toEqual([{ type: "error", code: "INVALID_INPUT", message: "frame is not JSON" }]);
    const early = await connect("wsbox");
    send(early, { type: "stdin", data: "x" });
    expect((await early.closed).code).toBe(1008);
    const badArgv = await connect("wsbox");
    send(badArgv, { type: "start", command: [] });
    expect((await badArgv.closed).code).toBe(1008);
  });

  it("refuses before the upgrade: 401 without the key, 404 for a missing sandbox, 400 for a plain GET", async () => {
    await expect(connect("wsbox", null)).rejects.toThrow(/HTTP 401/);
    await expect(connect("ghost")).rejects.toThrow(/HTTP 404/);
    const plain = await t.api("/sandboxes/wsbox/exec/ws");
    expect(plain.status).toBe(400);
  });
});

describe("logs", () => {
  it("returns the main process's logs as JSON, and follows them as SSE", async () => {
    const res = await t.api("/sandboxes/wsbox/logs");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, data: { stdout: expect.any(String), stderr: expect.any(String) } });
    expect((await t.api("/sandboxes/ghost/logs?follow=true")).status).toBe(404);
    const abort = new AbortController();
    const follow = await t.api("/sandboxes/wsbox/logs?follow=true", { signal: abort.signal });
    expect(follow.status).toBe(200);
    expect(follow.headers.get("content-type")).toMatch(/^text\/event-stream/);
    abort.abort();
  });
});
