import { AbortedError, InvalidInputError, NotFoundError, NotRunningError, StreamInterruptedError } from "@agentkernel/core";
import { type Emulator, startEmulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NomadExecStream } from "./exec-session.js";
import { NomadClient } from "./nomad-client.js";
import { rawExecJob, running, waitForAlloc } from "./test-jobs.js";

let nomad: Emulator;
let client: NomadClient;
let allocId: string;

beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 100 });
  client = new NomadClient({ address: nomad.address, retry: { attempts: 8, baseDelayMs: 20, maxDelayMs: 100 } });
  await client.jobs.register(
    rawExecJob("sbx-main", ["/bin/sh", "-c", "echo hello-log; exec sleep 1000"], { "agentkernel-managed": "true" }),
  );
  allocId = (await waitForAlloc(client, "sbx-main", running)).ID;
}, 30_000);

afterAll(async () => {
  await client?.jobs.deregister("sbx-main", { purge: true }).catch(() => {});
  await client?.close();
  await nomad?.stop();
});

async function drain(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function execAll(session: NomadExecStream, stdin?: string) {
  if (stdin !== undefined) await session.writeStdin(Buffer.from(stdin));
  session.closeStdin();
  const [stdout, stderr, code] = await Promise.all([drain(session.stdout), drain(session.stderr), session.exitCode]);
  return { stdout, stderr, code };
}

describe("exec", () => {
  it("runs argv with stdin and returns stdout, stderr and the exit code (TCP-drop ending)", async () => {
    const session = await client.exec.start(allocId, { task: "main", command: ["/bin/sh", "-c", "cat; echo err 1>&2; exit 3"] });
    expect(await execAll(session, "hello\n")).toEqual({ stdout: "hello\n", stderr: "err\n", code: 3 });
  });

  it("ends cleanly with the close-1000 ending too, exit 0", async () => {
    nomad.inject({ type: "exec", execEnding: "close1000" });
    const session = await client.exec.start(allocId, { task: "main", command: ["echo", "hi there"] });
    expect(await execAll(session)).toEqual({ stdout: "hi there\n", stderr: "", code: 0 });
    nomad.inject({ type: "exec", execEnding: "drop" });
  });

  it("passes untrusted argv through unchanged", async () => {
    const weird = ["it's", "$HOME", "a b", "-n", "`x`", "line\nbreak"];
    const session = await client.exec.start(allocId, { task: "main", command: ["printf", "%s\\0", ...weird] });
    const { stdout } = await execAll(session);
    expect(stdout.split("\0").slice(0, -1)).toEqual(weird);
  });

  it("with a tty, stderr is merged into stdout and the stderr stream stays empty", async () => {
    const session = await client.exec.start(allocId, {
      task: "main",
      command: ["/bin/sh", "-c", "echo out; echo err 1>&2"],
      tty: true,
      ttySize: { rows: 24, cols: 80 },
    });
    const { stdout, stderr, code } = await execAll(session);
    expect(stdout.replace(/\r/g, "").split("\n").sort()).toEqual(["", "err", "out"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("maps close 1008 (unknown task) to NotFoundError with Nomad's reason", async () => {
    const session = await client.exec.start(allocId, { task: "mian", command: ["true"] });
    const err = await session.exitCode.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/unknown task name "mian"/);
  });

  it("rejects with StreamInterruptedError when the socket is cut before exited", async () => {
    nomad.inject({ type: "exec", execCutAfterBytes: 10 });
    const session = await client.exec.start(allocId, {
      task: "main",
      command: ["/bin/sh", "-c", "head -c 100000 /dev/zero; sleep 5"],
    });
    const [, err] = await Promise.all([drain(session.stdout), session.exitCode.catch((e: unknown) => e)]);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    nomad.inject({ type: "clear" });
  });

  it("a stopped job's allocation cannot exec: NotRunning or NotFound, never a hang", async () => {
    await client.jobs.register(rawExecJob("sbx-stop", ["/bin/sleep", "1000"]));
    const alloc = await waitForAlloc(client, "sbx-stop", running);
    await client.jobs.deregister("sbx-stop");
    await waitForAlloc(client, "sbx-stop", (a) => a.ClientStatus === "complete" || a.ClientStatus === "failed");
    const session = await client.exec.start(alloc.ID, { task: "main", command: ["true"] });
    const err = await session.exitCode.catch((e: unknown) => e);
    expect(NotRunningError.isInstance(err) || NotFoundError.isInstance(err)).toBe(true);
    await client.jobs.deregister("sbx-stop", { purge: true });
  });
});

describe("fs and logs", () => {
  it("lists the alloc dir and reads the task's stdout log as decoded frames", async () => {
    const ls = await client.fs.ls(allocId, "/");
    expect(ls.data.map((f) => f.Name)).toEqual(expect.arrayContaining(["alloc", "main"]));
    const frames = [];
    for await (const f of client.fs.logs(allocId, { task: "main", type: "stdout" })) frames.push(f);
    expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe("hello-log\n");
    expect(frames.at(-1)?.offset).toBe("hello-log\n".length);
    const cat = await client.fs.cat(allocId, "alloc/logs/main.stdout.0");
    expect(await drain(cat)).toBe("hello-log\n");
    const part = await client.fs.readAt(allocId, "alloc/logs/main.stdout.0", 6, 3);
    expect(await drain(part)).toBe("log");
    expect((await client.fs.stat(allocId, "alloc/logs/main.stdout.0")).data.Size).toBe(10);
  });

  it("reads the last bytes of a log with origin=end", async () => {
    const frames = [];
    for await (const f of client.fs.logs(allocId, { task: "main", type: "stdout", origin: "end", offset: 4 })) frames.push(f);
    expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe("log\n");
    expect(frames.at(-1)?.offset).toBe(10);
  });

  it("maps fs errors: a missing path is NotFound (ls) or InvalidInput (cat)", async () => {
    await expect(client.fs.ls(allocId, "/tmp/nope")).rejects.toThrow(NotFoundError);
    await expect(client.fs.cat(allocId, "/tmp/nope")).rejects.toThrow(InvalidInputError);
  });

  it("follows logs until aborted", async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const err = await (async () => {
      for await (const f of client.fs.logs(allocId, { task: "main", type: "stdout", follow: true, signal: ac.signal })) {
        got.push(Buffer.from(f.data).toString());
        ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(got.join("")).toBe("hello-log\n");
    expect(err).toBeInstanceOf(AbortedError);
  });
});

describe("events", () => {
  it("streams the job's events, skipping heartbeats", async () => {
    const ac = new AbortController();
    const start = (await client.jobs.info("sbx-main")).meta.lastIndex;
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const frame of client.events.stream({ topics: { Job: ["sbx-ev"] }, index: start + 1, signal: ac.signal })) {
        for (const e of frame.Events) seen.push(`${e.Topic}:${e.Key}`);
        if (seen.length > 0) ac.abort();
      }
    })().catch((e: unknown) => e);
    await client.jobs.register({ ...rawExecJob("sbx-ev", ["/bin/true"]), Stop: true });
    expect(await consumer).toBeInstanceOf(AbortedError);
    expect(seen[0]).toBe("Job:sbx-ev");
    await client.jobs.deregister("sbx-ev", { purge: true });
  });
});
