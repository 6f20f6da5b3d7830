import { AbortedError, InvalidInputError, NotFoundError, NotRunningError, StreamInterruptedError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { drain, execAll, rawExecJob, running, useEmulatorSandbox, waitForAlloc } from "./test-jobs.js";

const t = useEmulatorSandbox();

describe("exec", () => {
  it("runs argv with stdin and returns stdout, stderr and the exit code (TCP-drop ending)", async () => {
    const session = await t.client.exec.start(t.allocId, {
      task: "main",
      command: ["/bin/sh", "-c", "cat; echo err 1>&2; exit 3"],
    });
    expect(await execAll(session, "hello\n")).toEqual({ stdout: "hello\n", stderr: "err\n", code: 3 });
  });

  it("ends cleanly with the close-1000 ending too, exit 0", async () => {
    t.nomad.inject({ type: "exec", execEnding: "close1000" });
    const session = await t.client.exec.start(t.allocId, { task: "main", command: ["echo", "hi there"] });
    expect(await execAll(session)).toEqual({ stdout: "hi there\n", stderr: "", code: 0 });
    t.nomad.inject({ type: "exec", execEnding: "drop" });
  });

  it("passes untrusted argv through unchanged", async () => {
    const weird = ["it's", "$HOME", "a b", "-n", "`x`", "line\nbreak"];
    const session = await t.client.exec.start(t.allocId, { task: "main", command: ["printf", "%s\\0", ...weird] });
    const { stdout } = await execAll(session);
    expect(stdout.split("\0").slice(0, -1)).toEqual(weird);
  });

  it("with a tty, stderr is merged into stdout and the stderr stream stays empty", async () => {
    const session = await t.client.exec.start(t.allocId, {
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
    const session = await t.client.exec.start(t.allocId, { task: "mian", command: ["true"] });
    const err = await session.exitCode.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/unknown task name "mian"/);
  });

  it("rejects with StreamInterruptedError when the socket is cut before exited", async () => {
    t.nomad.inject({ type: "exec", execCutAfterBytes: 10 });
    const session = await t.client.exec.start(t.allocId, {
      task: "main",
      command: ["/bin/sh", "-c", "head -c 100000 /dev/zero; sleep 5"],
    });
    const [, err] = await Promise.all([drain(session.stdout), session.exitCode.catch((e: unknown) => e)]);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    t.nomad.inject({ type: "clear" });
  });

  it("a stopped job's allocation cannot exec: NotRunning or NotFound, never a hang", async () => {
    await t.client.jobs.register(rawExecJob("sbx-stop", ["/bin/sleep", "1000"]));
    const alloc = await waitForAlloc(t.client, "sbx-stop", running);
    await t.client.jobs.deregister("sbx-stop");
    await waitForAlloc(t.client, "sbx-stop", (a) => a.ClientStatus === "complete" || a.ClientStatus === "failed");
    const session = await t.client.exec.start(alloc.ID, { task: "main", command: ["true"] });
    const err = await session.exitCode.catch((e: unknown) => e);
    expect(NotRunningError.isInstance(err) || NotFoundError.isInstance(err)).toBe(true);
    await t.client.jobs.deregister("sbx-stop", { purge: true });
  });
});

describe("fs and logs", () => {
  it("lists the alloc dir and reads the task's stdout log as decoded frames", async () => {
    const ls = await t.client.fs.ls(t.allocId, "/");
    expect(ls.data.map((f) => f.Name)).toEqual(expect.arrayContaining(["alloc", "main"]));
    const frames = [];
    for await (const f of t.client.fs.logs(t.allocId, { task: "main", type: "stdout" })) frames.push(f);
    expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe("hello-log\n");
    expect(frames.at(-1)?.offset).toBe("hello-log\n".length);
    const cat = await t.client.fs.cat(t.allocId, "alloc/logs/main.stdout.0");
    expect(await drain(cat)).toBe("hello-log\n");
    const part = await t.client.fs.readAt(t.allocId, "alloc/logs/main.stdout.0", 6, 3);
    expect(await drain(part)).toBe("log");
    expect((await t.client.fs.stat(t.allocId, "alloc/logs/main.stdout.0")).data.Size).toBe(10);
  });

  it("reads the last bytes of a log with origin=end", async () => {
    const frames = [];
    for await (const f of t.client.fs.logs(t.allocId, { task: "main", type: "stdout", origin: "end", offset: 4 })) frames.push(f);
    expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe("log\n");
    expect(frames.at(-1)?.offset).toBe(10);
  });

  it("maps fs errors: a missing path is NotFound (ls) or InvalidInput (cat)", async () => {
    await expect(t.client.fs.ls(t.allocId, "/tmp/nope")).rejects.toThrow(NotFoundError);
    await expect(t.client.fs.cat(t.allocId, "/tmp/nope")).rejects.toThrow(InvalidInputError);
  });

  it("follows logs until aborted", async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const err = await (async () => {
      for await (const f of t.client.fs.logs(t.allocId, { task: "main", type: "stdout", follow: true, signal: ac.signal })) {
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
    const start = (await t.client.jobs.info("sbx-main")).meta.lastIndex;
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const frame of t.client.events.stream({ topics: { Job: ["sbx-ev"] }, index: start + 1, signal: ac.signal })) {
        for (const e of frame.Events) seen.push(`${e.Topic}:${e.Key}`);
        if (seen.length > 0) ac.abort();
      }
    })().catch((e: unknown) => e);
    await t.client.jobs.register({ ...rawExecJob("sbx-ev", ["/bin/true"]), Stop: true });
    expect(await consumer).toBeInstanceOf(AbortedError);
    expect(seen[0]).toBe("Job:sbx-ev");
    await t.client.jobs.deregister("sbx-ev", { purge: true });
  });
});
