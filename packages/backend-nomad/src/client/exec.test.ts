import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  AbortedError,
  InvalidInputError,
  NotFoundError,
  NotRunningError,
  PermissionDeniedError,
  StreamInterruptedError,
} from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { NomadExecCloseError } from "./exec-errors.js";
import type { NomadExecStream } from "./exec-session.js";
import { NomadClient } from "./nomad-client.js";
import { type FakeNomad, reply, startFakeNomad } from "./test-fake-nomad.js";
import frames from "./__fixtures__/exec-frames.json" with { type: "json" };

const TOKEN = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const ALLOC = "3f9c2a71-8e4d-b6a0-5c17-d24e9b80f613";
let fake: FakeNomad | undefined;
let client: NomadClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

/** Starts a fake whose exec endpoint runs `script` for each session, recording client frames. */
async function setup(script: (ws: WebSocket, received: unknown[]) => void) {
  fake = await startFakeNomad((_req, res) => reply(res, 404, "not here"));
  const received: unknown[] = [];
  fake.onExec = (ws) => {
    ws.on("message", (data) => received.push(JSON.parse(data.toString())));
    script(ws, received);
  };
  client = new NomadClient({ address: fake.address, token: TOKEN, namespace: "agentkernel" });
  return { fake, client, received };
}

async function drain(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Sends the recorded server frames once the client has sent stdin close, then ends the socket `how`. */
function replay(how: "drop" | "close1000", result: unknown = frames.server_to_client) {
  return (ws: WebSocket, received: unknown[]) => {
    ws.on("message", () => {
      if (!received.some((f) => JSON.stringify(f) === '{"stdin":{"close":true}}')) return;
      for (const f of result as unknown[]) ws.send(JSON.stringify(f));
      if (how === "drop") setTimeout(() => ws.terminate(), 10);
      else ws.close(1000);
    });
  };
}

async function run(client: NomadClient, opts: Partial<Parameters<NomadClient["exec"]["start"]>[1]> = {}) {
  return client.exec.start(ALLOC, { task: "main", command: ["/bin/sh", "-c", "cat; echo err 1>&2; exit 3"], ...opts });
}

describe("exec over the WebSocket", () => {
  it("plays the recorded session: stdin then close in separate frames, output, exit 3, then a TCP drop", async () => {
    const { fake, client, received } = await setup(replay("drop"));
    const session = await run(client);
    await session.writeStdin(Buffer.from("hello\n"));
    session.closeStdin();
    const [out, err, code] = await Promise.all([drain(session.stdout), drain(session.stderr), session.exitCode]);
    expect({ out, err, code }).toEqual({ out: "hello\n", err: "err\n", code: 3 });
    expect(received).toEqual(frames.client_to_server.slice(0, 2));
    const upgrade = fake.requests.at(-1);
    expect(upgrade?.path).toBe(`/v1/client/allocation/${ALLOC}/exec`);
    expect(upgrade?.query.get("task")).toBe("main");
    expect(upgrade?.query.get("tty")).toBe("false");
    expect(upgrade?.query.get("namespace")).toBe("agentkernel");
    expect(JSON.parse(upgrade?.query.get("command") ?? "")).toEqual(["/bin/sh", "-c", "cat; echo err 1>&2; exit 3"]);
    expect(upgrade?.headers["x-nomad-token"]).toBe(TOKEN);
    expect(upgrade?.url).not.toContain(TOKEN);
  });

  it("reads an absent exit_code as 0 and accepts a clean 1000 close after exited", async () => {
    const { client } = await setup(replay("close1000", [{ stdout: { data: "aGkK" } }, frames.exit_code_zero_variant]));
    const session = await run(client);
    session.closeStdin();
    expect(await Promise.all([drain(session.stdout), session.exitCode])).toEqual(["hi\n", 0]);
  });

  it("sends stdin in 2048-byte frames and EOF after the last one", async () => {
    const { client, received } = await setup(replay("drop", [frames.exit_code_zero_variant]));
    const session = await run(client);
    const data = Buffer.alloc(5000, 7);
    await session.writeStdin(data);
    session.closeStdin();
    await session.exitCode;
    const sizes = received.map((f) => {
      const stdin = (f as { stdin?: { data?: string; close?: boolean } }).stdin;
      return stdin?.close ? "close" : Buffer.from(stdin?.data ?? "", "base64").length;
    });
    expect(sizes).toEqual([2048, 2048, 904, "close"]);
  });

  it("sends tty size and {} heartbeats", async () => {
    let done: () => void = () => {};
    const seen = new Promise<void>((r) => {
      done = r;
    });
    const { client, received } = await setup((ws, got) => {
      ws.on("message", () => {
        if (got.filter((f) => JSON.stringify(f) === "{}").length >= 2) {
          done();
          ws.send(JSON.stringify(frames.exit_code_zero_variant));
        }
      });
    });
    const session = await run(client, { tty: true, ttySize: { rows: 40, cols: 120 }, heartbeatMs: 20 });
    session.resize(50, 132);
    await seen;
    await session.exitCode;
    expect(received[0]).toEqual(frames.tty_resize);
    expect(received[1]).toEqual({ tty_size: { height: 50, width: 132 } });
  });

  it.each([
    [1008, 'unknown task name "mian"', NotFoundError, /unknown task name "mian"/],
    [1008, `Unknown allocation "${ALLOC}"`, NotFoundError, /allocation does not exist/],
    [1008, 'task "main" not started yet.', NotRunningError, /not running/],
    [1008, "command is not present", InvalidInputError, /command is not present/],
    [1011, "Permission denied", PermissionDeniedError, /"alloc-exec"/],
  ] as const)("close %i %s before exited → core error keeping the reason", async (code, reason, Klass, message) => {
    const { client } = await setup((ws) => ws.close(code, reason));
    const session = await run(client);
    const err = await session.exitCode.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Klass);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).cause).toBeInstanceOf(NomadExecCloseError);
    expect((err as { cause: NomadExecCloseError }).cause.reason).toBe(reason);
    expect(inspect(err, { depth: 10 })).not.toContain(TOKEN);
    expect(await drain(session.stdout)).toBe("");
  });

  it("rejects with StreamInterruptedError when the socket drops before exited", async () => {
    const { client } = await setup((ws) => {
      ws.send(JSON.stringify({ stdout: { data: "cGFydA==" } }));
      setTimeout(() => ws.terminate(), 20);
    });
    const session = await run(client);
    const [out, err] = await Promise.all([drain(session.stdout), session.exitCode.catch((e: unknown) => e)]);
    expect(out).toBe("part");
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toMatch(/before the exit code/);
    await expect(session.writeStdin(Buffer.from("x"))).rejects.toThrow(StreamInterruptedError);
  });

  it("a big stdin write fails cleanly (no unhandled rejection) when the socket drops mid-write", async () => {
    const { client } = await setup((ws) => ws.once("message", () => ws.terminate()));
    const session = await run(client);
    await expect(session.writeStdin(Buffer.alloc(4 * 1024 * 1024, 1))).rejects.toThrow(StreamInterruptedError);
    await expect(session.exitCode).rejects.toThrow(StreamInterruptedError);
  });

  it("maps an HTTP error before the upgrade (Nomad 1.x bad command)", async () => {
    const { fake, client } = await setup(() => {});
    fake.refuseUpgrade = { status: 500, body: "failed to marshal command into json: bad" };
    const err = await run(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(inspect(err, { depth: 10 })).not.toContain(TOKEN);
  });

  it("aborts through the signal and close(): exitCode rejects with AbortedError", async () => {
    const { client } = await setup(() => {});
    const ac = new AbortController();
    const session: NomadExecStream = await run(client, { signal: ac.signal });
    ac.abort();
    await expect(session.exitCode).rejects.toThrow(AbortedError);
    const second = await run(client);
    second.close();
    await expect(second.exitCode).rejects.toThrow(AbortedError);
    await expect(run(client, { signal: AbortSignal.abort() })).rejects.toThrow(AbortedError);
  });

  it("works over a unix socket (Task API) and client.close() ends open sessions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ak-exec-"));
    const unixFake = await startFakeNomad((_req, res) => reply(res, 404, "x"), join(dir, "api.sock"));
    const unixClient = new NomadClient({ address: unixFake.address, token: TOKEN });
    try {
      unixFake.onExec = (ws) => ws.send(JSON.stringify({ stdout: { data: "dW5peAo=" } }));
      const session = await unixClient.exec.start(ALLOC, { task: "main", command: ["true"] });
      const first = await session.stdout[Symbol.asyncIterator]().next();
      expect(String(first.value)).toBe("unix\n");
      await unixClient.close();
      await expect(session.exitCode).rejects.toThrow(AbortedError);
      expect(unixFake.requests.at(-1)?.headers["x-nomad-token"]).toBe(TOKEN);
    } finally {
      await unixClient.close();
      await unixFake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies back-pressure: a slow reader bounds buffered output, and nothing is lost", async () => {
    const total = 4 * 1024 * 1024;
    const { client } = await setup((ws) => {
      const frame = JSON.stringify({ stdout: { data: Buffer.alloc(1024, 97).toString("base64") } });
      for (let i = 0; i < total / 1024; i++) ws.send(frame);
      ws.send(JSON.stringify(frames.exit_code_zero_variant));
    });
    const session = await run(client);
    await new Promise((r) => setTimeout(r, 300));
    expect(session.stdout.readableLength).toBeLessThan(1024 * 1024);
    const out = await drain(session.stdout);
    expect(out.length).toBe(total);
    expect(await session.exitCode).toBe(0);
  });
});
