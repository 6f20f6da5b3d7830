import { BackendUnavailableError, ConflictError, InvalidInputError, NotFoundError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { watch } from "./blocking.js";
import { type NomadResponseError, VariableConflictError } from "./errors.js";
import { rawExecJob, running, useEmulatorSandbox, waitForAlloc } from "./test-jobs.js";

const t = useEmulatorSandbox();

describe("jobs", () => {
  it("registers only-if-new atomically: the second create is a ConflictError carrying Nomad's text", async () => {
    const job = { ...rawExecJob("sbx-cas", ["/bin/sleep", "1000"]), Stop: true };
    const first = await t.client.jobs.register(job, { enforceIndex: true, jobModifyIndex: 0 });
    expect(first.data.JobModifyIndex).toBeGreaterThan(0);
    const err = await t.client.jobs.register(job, { enforceIndex: true, jobModifyIndex: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(((err as Error).cause as NomadResponseError).body).toMatch(/job already exists/);
    const info = await t.client.jobs.info("sbx-cas");
    expect(info.data.Stop).toBe(true);
    expect(info.meta.lastIndex).toBeGreaterThan(0);
    await t.client.jobs.deregister("sbx-cas", { purge: true });
    await expect(t.client.jobs.info("sbx-cas")).rejects.toThrow(NotFoundError);
    // Purging again is fine: Nomad answers 200 for a missing job.
    await t.client.jobs.deregister("sbx-cas", { purge: true });
  });

  it("lists with the server-side meta filter and pages one request per page", async () => {
    for (const id of ["sbx-p1", "sbx-p2", "sbx-p3"]) {
      await t.client.jobs.register({ ...rawExecJob(id, ["/bin/sleep", "1000"], { "agentkernel-managed": "true" }), Stop: true });
    }
    t.nomad.resetStats();
    const ids: string[] = [];
    const filter = 'Meta["agentkernel-managed"] == "true"';
    for await (const j of t.client.jobs.listAll({ prefix: "sbx-p", filter, perPage: 2, meta: true })) {
      ids.push(j.ID);
      expect(j.Meta?.["agentkernel-managed"]).toBe("true");
    }
    expect(ids).toEqual(["sbx-p1", "sbx-p2", "sbx-p3"]);
    expect(t.nomad.stats().requests["GET /v1/jobs"]).toBe(2);
    for (const id of ids) await t.client.jobs.deregister(id, { purge: true });
  });

  it("follows the register eval with a blocking query until it is terminal", async () => {
    const reg = await t.client.jobs.register(rawExecJob("sbx-eval", ["/bin/sleep", "1000"]));
    let status = "";
    for await (const res of watch((q) => t.client.evaluations.info(reg.data.EvalID, q), { waitMs: 5_000 })) {
      status = res.data.Status;
      if (["complete", "failed", "canceled"].includes(status)) break;
    }
    expect(status).toBe("complete");
    const evals = await t.client.jobs.evaluations("sbx-eval");
    expect(evals.data.map((e) => e.ID)).toContain(reg.data.EvalID);
    await t.client.jobs.deregister("sbx-eval", { purge: true });
  });

  it("a blocking query on a job's allocations returns when they change, well before its wait", async () => {
    const before = await t.client.jobs.allocations("sbx-block");
    expect(before.data).toEqual([]);
    const blocked = t.client.jobs.allocations("sbx-block", { index: before.meta.lastIndex, waitMs: 60_000 });
    await t.client.jobs.register(rawExecJob("sbx-block", ["/bin/sleep", "1000"]));
    const after = await blocked;
    // Returning proves only that the index moved (Nomad: "not proof of a change"), so that is all we assert.
    expect(after.meta.lastIndex).toBeGreaterThan(before.meta.lastIndex);
    await t.client.jobs.deregister("sbx-block", { purge: true });
  });

  it("dispatches a parameterized job, encodes the child ID, and maps dispatch errors", async () => {
    const parent = rawExecJob("tmpl", ["/bin/sleep", "1000"]);
    parent.ParameterizedJob = { Payload: "optional", MetaRequired: ["sandbox_id"] };
    await t.client.jobs.register(parent);
    const missing = await t.client.jobs.dispatch("tmpl", {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect((missing as Error).message).toMatch(/required meta keys/);
    const notParam = await t.client.jobs.dispatch("sbx-main", { meta: { sandbox_id: "x" } }).catch((e: unknown) => e);
    expect(notParam).toBeInstanceOf(InvalidInputError);
    await expect(t.client.jobs.dispatch("nope", { meta: { sandbox_id: "x" } })).rejects.toThrow(NotFoundError);
    const child = await t.client.jobs.dispatch("tmpl", { meta: { sandbox_id: "7f3a" }, payload: Buffer.from("hi") });
    expect(child.data.DispatchedJobID).toMatch(/^tmpl\/dispatch-\d+-[0-9a-f]{8}$/);
    const info = await t.client.jobs.info(child.data.DispatchedJobID);
    expect(info.data.ParentID).toBe("tmpl");
    await t.client.jobs.deregister(child.data.DispatchedJobID, { purge: true });
    await t.client.jobs.deregister("tmpl", { purge: true });
  });

  it("stops one allocation (Nomad places a replacement) and reports the job summary", async () => {
    await t.client.jobs.register(rawExecJob("sbx-astop", ["/bin/sleep", "1000"]));
    const first = await waitForAlloc(t.client, "sbx-astop", running);
    const stop = await t.client.allocations.stop(first.ID);
    expect(stop.data.EvalID).toMatch(/^[0-9a-f-]{36}$/);
    const replacement = await waitForAlloc(t.client, "sbx-astop", (a) => a.ID !== first.ID && running(a));
    expect(replacement.ID).not.toBe(first.ID);
    const summary = await t.client.jobs.summary("sbx-astop");
    expect(summary.data.Summary.sandbox?.Running).toBe(1);
    await t.client.jobs.deregister("sbx-astop", { purge: true });
    await expect(t.client.jobs.summary("sbx-astop")).rejects.toThrow(NotFoundError);
  });

  it("maps missing allocations and evaluations to NotFoundError", async () => {
    const uuid = "00000000-0000-4000-8000-000000000000";
    await expect(t.client.allocations.info(uuid)).rejects.toThrow(NotFoundError);
    await expect(t.client.evaluations.info(uuid)).rejects.toThrow(NotFoundError);
    expect((await t.client.jobs.allocations("no-such-job")).data).toEqual([]);
  });
});

describe("leader loss", () => {
  it("retries reads through a no-leader window, and never retries a write", async () => {
    t.nomad.inject({ type: "noLeader" });
    t.nomad.resetStats();
    await expect(t.client.jobs.register(rawExecJob("sbx-nl", ["/bin/true"]))).rejects.toThrow(BackendUnavailableError);
    expect(t.nomad.stats().requests["PUT /v1/jobs"]).toBe(1);
    const list = t.client.jobs.list();
    // The leader comes back only after the read has already been refused at least once.
    while ((t.nomad.stats().requests["GET /v1/jobs"] ?? 0) < 1) await new Promise((r) => setTimeout(r, 5));
    t.nomad.inject({ type: "leaderRestored" });
    expect(Array.isArray((await list).data)).toBe(true);
    expect(t.nomad.stats().requests["GET /v1/jobs"]).toBeGreaterThan(1);
    t.nomad.inject({ type: "clear" });
  });

  it("retries reads through injected 503s and connection resets", async () => {
    t.nomad.inject({ type: "error", status: 503, count: 2 });
    expect((await t.client.allocations.info(t.allocId)).data.ID).toBe(t.allocId);
    t.nomad.inject({ type: "reset", count: 1 });
    expect((await t.client.allocations.info(t.allocId)).data.ID).toBe(t.allocId);
    t.nomad.inject({ type: "clear" });
  });
});

describe("variables", () => {
  it("writes with CAS, returns the conflict body on a lost CAS, and deletes", async () => {
    const w = await t.client.variables.write("agentkernel/sandboxes/v1", { state: "ready" }, { cas: 0 });
    expect(w.data.Items).toEqual({ state: "ready" });
    const err = await t.client.variables.write("agentkernel/sandboxes/v1", { state: "x" }, { cas: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VariableConflictError);
    expect((err as VariableConflictError).conflict.ModifyIndex).toBe(w.data.ModifyIndex);
    expect((err as VariableConflictError).conflict.Items).toEqual({ state: "ready" });
    expect((await t.client.variables.read("agentkernel/sandboxes/v1")).data.Items).toEqual({ state: "ready" });
    expect((await t.client.variables.list({ prefix: "agentkernel/" })).data.map((v) => v.Path)).toContain(
      "agentkernel/sandboxes/v1",
    );
    await t.client.variables.delete("agentkernel/sandboxes/v1", { cas: w.data.ModifyIndex });
    await expect(t.client.variables.read("agentkernel/sandboxes/v1")).rejects.toThrow(NotFoundError);
  });

  it("acquires, renews and releases a lock; a second acquire conflicts", async () => {
    const lock = await t.client.variables.acquireLock("agentkernel/locks/l1", { ttl: "15s" });
    const id = lock.data.Lock?.ID ?? "";
    expect(id).not.toBe("");
    await expect(t.client.variables.acquireLock("agentkernel/locks/l1", { ttl: "15s" })).rejects.toThrow(ConflictError);
    await t.client.variables.renewLock("agentkernel/locks/l1", id);
    await t.client.variables.releaseLock("agentkernel/locks/l1", id);
    await t.client.variables.delete("agentkernel/locks/l1");
  });
});

describe("agent", () => {
  it("answers doctor-style calls", async () => {
    expect((await t.client.status.leader()).data).not.toBe("");
    expect((await t.client.agent.self()).data.config.Version?.Version).toBeTruthy();
    expect(Object.keys(await t.client.agent.health()).length).toBeGreaterThan(0);
    expect((await t.client.nodes.list()).data[0]?.Drivers?.raw_exec?.Healthy).toBe(true);
    // The emulator follows Nomad 1.10+: with ACLs off, token/self answers "acls-disabled".
    expect((await t.client.acl.tokenSelf()).data.AccessorID).toBe("acls-disabled");
  });
});
