import {
  AbortedError,
  BackendUnavailableError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  NotRunningError,
  StreamInterruptedError,
} from "@agentkernel/core";
import { type Emulator, startEmulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watch } from "./blocking.js";
import { type NomadResponseError, VariableConflictError } from "./errors.js";
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

describe("jobs", () => {
  it("registers only-if-new atomically: the second create is a ConflictError carrying Nomad's text", async () => {
    const job = { ...rawExecJob("sbx-cas", ["/bin/sleep", "1000"]), Stop: true };
    const first = await client.jobs.register(job, { enforceIndex: true, jobModifyIndex: 0 });
    expect(first.data.JobModifyIndex).toBeGreaterThan(0);
    const err = await client.jobs.register(job, { enforceIndex: true, jobModifyIndex: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(((err as Error).cause as NomadResponseError).body).toMatch(/job already exists/);
    const info = await client.jobs.info("sbx-cas");
    expect(info.data.Stop).toBe(true);
    expect(info.meta.lastIndex).toBeGreaterThan(0);
    await client.jobs.deregister("sbx-cas", { purge: true });
    await expect(client.jobs.info("sbx-cas")).rejects.toThrow(NotFoundError);
    // Purging again is fine: Nomad answers 200 for a missing job.
    await client.jobs.deregister("sbx-cas", { purge: true });
  });

  it("lists with the server-side meta filter and pages one request per page", async () => {
    for (const id of ["sbx-p1", "sbx-p2", "sbx-p3"]) {
      await client.jobs.register({ ...rawExecJob(id, ["/bin/sleep", "1000"], { "agentkernel-managed": "true" }), Stop: true });
    }
    nomad.resetStats();
    const ids: string[] = [];
    const filter = 'Meta["agentkernel-managed"] == "true"';
    for await (const j of client.jobs.listAll({ prefix: "sbx-p", filter, perPage: 2, meta: true })) {
      ids.push(j.ID);
      expect(j.Meta?.["agentkernel-managed"]).toBe("true");
    }
    expect(ids).toEqual(["sbx-p1", "sbx-p2", "sbx-p3"]);
    expect(nomad.stats().requests["GET /v1/jobs"]).toBe(2);
    for (const id of ids) await client.jobs.deregister(id, { purge: true });
  });

  it("follows the register eval with a blocking query until it is terminal", async () => {
    const reg = await client.jobs.register(rawExecJob("sbx-eval", ["/bin/sleep", "1000"]));
    let status = "";
    for await (const res of watch((q) => client.evaluations.info(reg.data.EvalID, q), { waitMs: 5_000 })) {
      status = res.data.Status;
      if (["complete", "failed", "canceled"].includes(status)) break;
    }
    expect(status).toBe("complete");
    const evals = await client.jobs.evaluations("sbx-eval");
    expect(evals.data.map((e) => e.ID)).toContain(reg.data.EvalID);
    await client.jobs.deregister("sbx-eval", { purge: true });
  });

  it("dispatches a parameterized job, encodes the child ID, and maps dispatch errors", async () => {
    const parent = rawExecJob("tmpl", ["/bin/sleep", "1000"]);
    parent.ParameterizedJob = { Payload: "optional", MetaRequired: ["sandbox_id"] };
    await client.jobs.register(parent);
    const missing = await client.jobs.dispatch("tmpl", {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect((missing as Error).message).toMatch(/required meta keys/);
    const notParam = await client.jobs.dispatch("sbx-main", { meta: { sandbox_id: "x" } }).catch((e: unknown) => e);
    expect(notParam).toBeInstanceOf(InvalidInputError);
    await expect(client.jobs.dispatch("nope", { meta: { sandbox_id: "x" } })).rejects.toThrow(NotFoundError);
    const child = await client.jobs.dispatch("tmpl", { meta: { sandbox_id: "7f3a" }, payload: Buffer.from("hi") });
    expect(child.data.DispatchedJobID).toMatch(/^tmpl\/dispatch-\d+-[0-9a-f]{8}$/);
    const info = await client.jobs.info(child.data.DispatchedJobID);
    expect(info.data.ParentID).toBe("tmpl");
    await client.jobs.deregister(child.data.DispatchedJobID, { purge: true });
    await client.jobs.deregister("tmpl", { purge: true });
  });

  it("maps missing allocations and evaluations to NotFoundError", async () => {
    const uuid = "00000000-0000-4000-8000-000000000000";
    await expect(client.allocations.info(uuid)).rejects.toThrow(NotFoundError);
    await expect(client.evaluations.info(uuid)).rejects.toThrow(NotFoundError);
    expect((await client.jobs.allocations("no-such-job")).data).toEqual([]);
  });
});

describe("leader loss", () => {
  it("retries reads through a no-leader window, and never retries a write", async () => {
    nomad.inject({ type: "noLeader", durationMs: 150 });
    nomad.resetStats();
    await expect(client.jobs.register(rawExecJob("sbx-nl", ["/bin/true"]))).rejects.toThrow(BackendUnavailableError);
    expect(nomad.stats().requests["PUT /v1/jobs"]).toBe(1);
    const list = await client.jobs.list();
    expect(Array.isArray(list.data)).toBe(true);
    expect(nomad.stats().requests["GET /v1/jobs"]).toBeGreaterThan(1);
    nomad.inject({ type: "clear" });
  });

  it("retries reads through injected 503s and connection resets", async () => {
    nomad.inject({ type: "error", status: 503, count: 2 });
    expect((await client.allocations.info(allocId)).data.ID).toBe(allocId);
    nomad.inject({ type: "reset", count: 1 });
    expect((await client.allocations.info(allocId)).data.ID).toBe(allocId);
    nomad.inject({ type: "clear" });
  });
});

describe("variables", () => {
  it("writes with CAS, returns the conflict body on a lost CAS, and deletes", async () => {
    const w = await client.variables.write("agentkernel/sandboxes/v1", { state: "ready" }, { cas: 0 });
    expect(w.data.Items).toEqual({ state: "ready" });
    const err = await client.variables.write("agentkernel/sandboxes/v1", { state: "x" }, { cas: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VariableConflictError);
    expect((err as VariableConflictError).conflict.ModifyIndex).toBe(w.data.ModifyIndex);
    expect((err as VariableConflictError).conflict.Items).toEqual({ state: "ready" });
    expect((await client.variables.read("agentkernel/sandboxes/v1")).data.Items).toEqual({ state: "ready" });
    expect((await client.variables.list({ prefix: "agentkernel/" })).data.map((v) => v.Path)).toContain(
      "agentkernel/sandboxes/v1",
    );
    await client.variables.delete("agentkernel/sandboxes/v1", { cas: w.data.ModifyIndex });
    await expect(client.variables.read("agentkernel/sandboxes/v1")).rejects.toThrow(NotFoundError);
  });

  it("acquires, renews and releases a lock; a second acquire conflicts", async () => {
    const lock = await client.variables.acquireLock("agentkernel/locks/l1", { ttl: "15s" });
    const id = lock.data.Lock?.ID ?? "";
    expect(id).not.toBe("");
    await expect(client.variables.acquireLock("agentkernel/locks/l1", { ttl: "15s" })).rejects.toThrow(ConflictError);
    await client.variables.renewLock("agentkernel/locks/l1", id);
    await client.variables.releaseLock("agentkernel/locks/l1", id);
    await client.variables.delete("agentkernel/locks/l1");
  });
});

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

describe("agent", () => {
  it("answers doctor-style calls", async () => {
    expect((await client.status.leader()).data).not.toBe("");
    expect((await client.agent.self()).data.config.Version?.Version).toBeTruthy();
    expect(Object.keys(await client.agent.health()).length).toBeGreaterThan(0);
    expect((await client.nodes.list()).data[0]?.Drivers?.raw_exec?.Healthy).toBe(true);
    // The emulator follows Nomad 1.10+: with ACLs off, token/self answers "acls-disabled".
    expect((await client.acl.tokenSelf()).data.AccessorID).toBe("acls-disabled");
  });
});
