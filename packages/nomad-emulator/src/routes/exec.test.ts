// Contract tests for the exec WebSocket against REFERENCE §5 and examples/exec-frames.json, over real sockets and processes.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, runExec, startHarness } from "./test-client-harness.js";

const cmd = (...argv: string[]): string => JSON.stringify(argv);
const sh = (script: string): Record<string, string> => ({ task: "main", command: cmd("/bin/sh", "-c", script) });
const example = JSON.parse(
  readFileSync(new URL("../../fixtures/nomad-api-examples/exec-frames.json", import.meta.url), "utf8"),
) as { server_to_client: unknown[]; client_to_server: unknown[]; exit_code_zero_variant: unknown };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    tasks: [
      { name: "main", driver: "raw_exec" },
      { name: "box", driver: "docker" },
      { name: "later", driver: "exec", state: "pending" },
      { name: "done", driver: "exec", state: "dead" },
    ],
  });
});
afterAll(async () => {
  await h.close();
});

describe("exec: frames and endings", () => {
  it("reproduces examples/exec-frames.json: stdin data then close, stdout/stderr, exit 3, TCP drop (1006)", async () => {
    const r = await runExec(h, { ...sh("cat; echo err 1>&2; exit 3"), tty: "false" }, { send: example.client_to_server });
    expect(r.stdout.toString()).toBe("hello\n");
    expect(r.stderr.toString()).toBe("err\n");
    const exitedAt = r.frames.findIndex((f) => f.exited === true);
    expect(exitedAt).toBe(r.frames.length - 1);
    expect(r.frames.filter((f) => f.exited === true)).toHaveLength(1);
    expect(r.frames.slice(exitedAt - 2, exitedAt)).toEqual(
      expect.arrayContaining([{ stdout: { close: true } }, { stderr: { close: true } }]),
    );
    expect(r.exitFrame).toEqual(example.server_to_client.at(-1));
    expect(r.closeCode).toBe(1006);
    expect(h.counts.get("GET /v1/client/allocation/:alloc/exec")).toBeGreaterThan(0);
  });

  it("omits exit_code for 0 and sends close 1000 when the close1000 ending is chosen", async () => {
    const dropped = await runExec(h, sh("true"));
    expect(dropped.exitFrame).toEqual(example.exit_code_zero_variant);
    expect(dropped.closeCode).toBe(1006);
    h.ctx.faults.execEnding = "close1000";
    try {
      const closed = await runExec(h, sh("echo ok"));
      expect(closed.exitFrame).toEqual({ exited: true, result: {} });
      expect(closed.closeCode).toBe(1000);
    } finally {
      h.ctx.faults.execEnding = "drop";
    }
  });

  it("reports 128+N for a process killed by signal N", async () => {
    const r = await runExec(h, sh("kill -KILL $$"));
    expect(r.exitFrame).toEqual({ exited: true, result: { exit_code: 137 } });
  });

  it("streams stdin in several frames and ignores heartbeats, resize and unknown keys", async () => {
    const chunks = ["one ", "two ", "three"].map((s) => ({ stdin: { data: Buffer.from(s).toString("base64") } }));
    const send = [{}, chunks[0], { tty_size: { height: 40, width: 120 } }, chunks[1], { version: 1, auth_token: "x" }, chunks[2]];
    const r = await runExec(h, sh("wc -c"), { send: [...send, { stdin: { close: true } }] });
    expect(r.stdout.toString().trim()).toBe("13");
    expect(r.exitFrame).toEqual({ exited: true, result: {} });
  });

  it("chunks several MiB into ≤4096-byte frames (executor) without losing bytes, even with a paused reader", async () => {
    const size = 6 * 1024 * 1024;
    const r = await runExec(h, sh(`head -c ${size} /dev/zero | tr '\\0' 'x'`), {
      onOpen: (ws) => {
        // A reader that stops for a moment: the server must hold back, not drop or reorder.
        ws.pause();
        setTimeout(() => ws.resume(), 300);
      },
    });
    expect(r.stdout.length).toBe(size);
    expect(r.stdout.every((b) => b === 0x78)).toBe(true);
    const sizes = r.frames.flatMap((f) => {
      const d = (f.stdout as { data?: string } | undefined)?.data;
      return d ? [Buffer.from(d, "base64").length] : [];
    });
    expect(Math.max(...sizes)).toBe(4096);
    expect(r.exitFrame).toEqual({ exited: true, result: {} });
  });

  it("a frame that is not JSON ends the session with 1008 and Go's decoder text", async () => {
    const r = await runExec(h, sh("sleep 30"), { onOpen: (ws) => ws.send("stdin please") });
    expect([r.closeCode, r.closeReason]).toEqual([1008, "invalid character 's' looking for beginning of value"]);
  });

  it("tty: stderr merged into stdout with \\r\\n, no stderr frames at all", async () => {
    const r = await runExec(
      h,
      { ...sh("printf 'a\\nb\\n'; echo e >&2; exit 2"), tty: "true" },
      { send: [{ tty_size: { height: 24, width: 80 } }] },
    );
    expect(r.stdout.toString()).toBe("a\r\nb\r\ne\r\n");
    expect(r.frames.some((f) => "stderr" in f)).toBe(false);
    expect(r.frames).toContainEqual({ stdout: { close: true } });
    expect(r.exitFrame).toEqual({ exited: true, result: { exit_code: 2 } });
  });

  it("passes argv untouched (no shell interpolation of untrusted strings)", async () => {
    const tricky = "$(touch /tmp/pwned-emu); `id` ; 'quote\" \\ \n";
    const r = await runExec(h, { task: "main", command: cmd("printf", "%s", tricky) });
    expect(r.stdout.toString()).toBe(tricky);
    const t = await runExec(h, { task: "main", command: cmd("printf", "%s", tricky), tty: "true" });
    expect(t.stdout.toString()).toBe(tricky.replace("\n", "\r\n"));
  });
});

describe("exec: errors before and after the upgrade", () => {
  it("answers plain HTTP 500 before the upgrade for a bad command or tty value (1.x)", async () => {
    const bad = await runExec(h, { task: "main", command: "oops" });
    expect(bad.httpStatus).toBe(500);
    expect(bad.httpBody).toBe("failed to marshal command into json: invalid character 'o' looking for beginning of value");
    const missing = await runExec(h, { task: "main" });
    expect(missing.httpBody).toBe("failed to marshal command into json: unexpected end of JSON input");
    const notArray = await runExec(h, { task: "main", command: '"ls"' });
    expect(notArray.httpBody).toBe(
      "failed to marshal command into json: json: cannot unmarshal string into Go value of type []string",
    );
    const tty = await runExec(h, { ...sh("true"), tty: "yes" });
    expect(tty.httpStatus).toBe(500);
    expect(tty.httpBody).toBe('tty value is not a boolean: strconv.ParseBool: parsing "yes": invalid syntax');
  });

  it("refuses a foreign Origin with 403 (gorilla's default check) and accepts a matching one", async () => {
    const foreign = await runExec(h, sh("true"), { headers: { Origin: "http://evil.example" } });
    expect(foreign.httpStatus).toBe(403);
    const same = await runExec(h, sh("true"), { headers: { Origin: h.base } });
    expect(same.exitFrame).toEqual({ exited: true, result: {} });
  });

  it.each([
    [
      "unknown alloc",
      { allocId: "00000000-0000-0000-0000-000000000000" },
      sh("true"),
      1008,
      'Unknown allocation "00000000-0000-0000-0000-000000000000"',
    ],
    ["empty task", {}, { task: "", command: cmd("true") }, 1008, "must provide task name"],
    ["empty command", {}, { task: "main", command: "[]" }, 1008, "command is not present"],
    ["null command", {}, { task: "main", command: "null" }, 1008, "command is not present"],
    ["unknown task", {}, { task: "mian", command: cmd("true") }, 1008, 'unknown task name "mian"'],
    ["task not started", {}, { task: "later", command: cmd("true") }, 1008, 'task "later" not started yet.'],
    ["task dead", {}, { task: "done", command: cmd("true") }, 1008, 'task "done" is not running.'],
    [
      "missing program",
      {},
      { task: "main", command: cmd("no-such-prog-xyz") },
      1011,
      'failed to start command: exec: "no-such-prog-xyz": executable file not found in $PATH',
    ],
  ])("%s → close %i", async (_name, opts, params, code, reason) => {
    const r = await runExec(h, params, opts);
    expect(r.closeCode).toBe(code);
    expect(r.closeReason).toBe(reason);
    expect(r.exitFrame).toBeUndefined();
  });

  it("drops the socket without a close frame when the reason exceeds 123 bytes", async () => {
    const r = await runExec(h, { task: "t".repeat(120), command: cmd("true") });
    expect(r.closeCode).toBe(1006);
    expect(r.frames).toHaveLength(0);
  });

  it("refuses exec on a terminal allocation", async () => {
    h.alloc.ClientStatus = "complete";
    try {
      const r = await runExec(h, sh("true"));
      expect([r.closeCode, r.closeReason]).toEqual([
        1008,
        `exec not possible, client status of allocation ${h.alloc.ID} is complete`,
      ]);
    } finally {
      h.alloc.ClientStatus = "running";
    }
  });
});

describe("exec: ACL and handshake", () => {
  let acl: Harness;
  const execToken = randomUUID();
  const nodeToken = randomUUID();
  beforeAll(async () => {
    acl = await startHarness({
      tasks: [
        { name: "main", driver: "raw_exec" },
        { name: "iso", driver: "exec" },
      ],
      acl: { [execToken]: ["alloc-exec"], [nodeToken]: ["alloc-exec", "alloc-node-exec"], readonly: ["read-fs"] },
    });
  });
  afterAll(async () => {
    await acl.close();
  });

  it("needs alloc-exec, and alloc-node-exec too for raw_exec (1011 Permission denied)", async () => {
    const none = await runExec(acl, { task: "iso", command: cmd("true") });
    expect([none.closeCode, none.closeReason]).toEqual([1011, "Permission denied"]);
    const iso = await runExec(acl, { task: "iso", command: cmd("true") }, { headers: { "X-Nomad-Token": execToken } });
    expect(iso.exitFrame).toEqual({ exited: true, result: {} });
    const raw = await runExec(acl, sh("true"), { headers: { "X-Nomad-Token": execToken } });
    expect([raw.closeCode, raw.closeReason]).toEqual([1011, "Permission denied"]);
    const bearer = await runExec(acl, sh("true"), { headers: { Authorization: `Bearer ${nodeToken}` } });
    expect(bearer.exitFrame).toEqual({ exited: true, result: {} });
  });

  it("ws_handshake: the first frame's token replaces the header token; version must be 1", async () => {
    const ok = await runExec(acl, { ...sh("echo hs"), ws_handshake: "true" }, { send: [{ version: 1, auth_token: nodeToken }] });
    expect(ok.stdout.toString()).toBe("hs\n");
    const replaced = await runExec(
      acl,
      { ...sh("true"), ws_handshake: "true" },
      { headers: { "X-Nomad-Token": nodeToken }, send: [{ version: 1, auth_token: "readonly" }] },
    );
    expect([replaced.closeCode, replaced.closeReason]).toEqual([1011, "Permission denied"]);
    const v2 = await runExec(acl, { ...sh("true"), ws_handshake: "true" }, { send: [{ version: 2, auth_token: nodeToken }] });
    expect([v2.closeCode, v2.closeReason]).toEqual([1008, "unexpected handshake value: 2"]);
    const garbled = await runExec(
      acl,
      { ...sh("true"), ws_handshake: "true" },
      { send: [{ version: "1", auth_token: nodeToken }] },
    );
    expect([garbled.closeCode, garbled.closeReason]).toEqual([
      1008,
      "json: cannot unmarshal string into Go struct field wsHandshakeMessage.version of type int",
    ]);
    const bad = await runExec(acl, { ...sh("true"), ws_handshake: "maybe" });
    expect([bad.closeCode, bad.closeReason]).toEqual([
      1008,
      'ws_handshake value is not a boolean: strconv.ParseBool: parsing "maybe": invalid syntax',
    ]);
  });
});
