/** Contract tests for /v1/jobs and /v1/job/:id against REFERENCE.md §1. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, batchJob, call, obj, waitFor } from "./test-helpers.js";

let nomad: Emulator;
const put = (path: string, body: unknown) => call(nomad.address, "PUT", path, body);
const get = (path: string) => call(nomad.address, "GET", path);

beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 500 });
});
afterAll(() => nomad.stop());

describe("register", () => {
  test("returns the register shape with X-Nomad-Index only", async () => {
    const r = await put("/v1/jobs", batchJob("reg-1", ["sleep", "30"]));
    expect(r.status).toBe(200);
    const b = obj(r.json);
    expect(Object.keys(b).sort()).toEqual([
      "EvalCreateIndex",
      "EvalID",
      "Index",
      "JobModifyIndex",
      "KnownLeader",
      "LastContact",
      "NextToken",
      "Warnings",
    ]);
    expect(b.EvalID).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("x-nomad-index")).toBe(String(b.Index));
    expect(r.headers.get("x-nomad-knownleader")).toBeNull();
  });

  test("Version bumps only on change; identical re-register still creates an eval", async () => {
    const body = batchJob("reg-v", ["sleep", "30"]);
    const a = obj((await put("/v1/jobs", body)).json);
    const b = obj((await put("/v1/jobs", body)).json);
    expect(b.JobModifyIndex).toBe(a.JobModifyIndex);
    expect(b.EvalID).not.toBe(a.EvalID);
    expect(obj((await get("/v1/job/reg-v")).json).Version).toBe(0);
    const changed = batchJob("reg-v", ["sleep", "31"]);
    const c = obj((await put("/v1/job/reg-v", changed)).json);
    expect(c.JobModifyIndex).toBeGreaterThan(a.JobModifyIndex as number);
    const job = obj((await get("/v1/job/reg-v")).json);
    expect(job.Version).toBe(1);
    expect(job.JobModifyIndex).toBe(c.JobModifyIndex);
  });

  test("EnforceIndex check-and-set texts", async () => {
    const body = batchJob("reg-cas", ["sleep", "30"]);
    const first = await put("/v1/jobs", { ...body, EnforceIndex: true, JobModifyIndex: 0 });
    expect(first.status).toBe(200);
    const jmi = obj(first.json).JobModifyIndex as number;
    const again = await put("/v1/jobs", { ...body, EnforceIndex: true, JobModifyIndex: 0 });
    expect([again.status, again.text]).toEqual([500, "Enforcing job modify index 0: job already exists"]);
    expect(again.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const wrong = await put("/v1/jobs", { ...body, EnforceIndex: true, JobModifyIndex: jmi + 100 });
    expect(wrong.text).toBe(`Enforcing job modify index ${jmi + 100}: job exists with conflicting job modify index: ${jmi}`);
    const missing = await put("/v1/jobs", { ...batchJob("reg-cas-none", ["true"]), EnforceIndex: true, JobModifyIndex: 7 });
    expect([missing.status, missing.text]).toEqual([500, "Enforcing job modify index 7: job does not exist"]);
    const ok = await put("/v1/jobs", { ...batchJob("reg-cas", ["sleep", "32"]), EnforceIndex: true, JobModifyIndex: jmi });
    expect(ok.status).toBe(200);
  });

  test("HTTP-layer 400s", async () => {
    expect([(await put("/v1/jobs", {})).status, (await put("/v1/jobs", {})).text]).toEqual([400, "Job must be specified"]);
    const noId = await put("/v1/jobs", { Job: { Type: "batch" } });
    expect([noId.status, noId.text]).toEqual([400, "Job ID hasn't been provided"]);
    const mismatch = await put("/v1/job/other", batchJob("reg-x", ["true"]));
    expect([mismatch.status, mismatch.text]).toEqual([400, "Job ID does not match name"]);
    const empty = await call(nomad.address, "PUT", "/v1/jobs");
    expect([empty.status, empty.text]).toEqual([400, "Request body is empty"]);
  });

  test("validation errors are 500 multierror text", async () => {
    const space = await put("/v1/jobs", batchJob("has space", ["true"]));
    expect(space.status).toBe(500);
    expect(space.text).toBe("1 error(s) occurred:\n\n* Job ID contains a space");
    const emptyId = await put("/v1/jobs", { Job: { ID: "", TaskGroups: [] } });
    expect(emptyId.text).toContain("* Missing job ID");
    expect(emptyId.text).toMatch(/^3 error\(s\) occurred:/);
    const both = batchJob("reg-cores", ["true"]);
    const task = obj(arr(arr(obj(both.Job).TaskGroups)[0]?.Tasks)[0]);
    task.Resources = { CPU: 100, Cores: 1, MemoryMB: 64 };
    expect((await put("/v1/jobs", both)).text).toContain("Task can only ask for 'cpu' or 'cores' resource, not both.");
    const zero = batchJob("reg-cpu0", ["true"]);
    obj(arr(arr(obj(zero.Job).TaskGroups)[0]?.Tasks)[0]).Resources = { CPU: 0, MemoryMB: 64 };
    expect((await put("/v1/jobs", zero)).text).toContain("minimum CPU value is 1; got 0");
    const param = { Job: { ...batchJob("reg-param", ["true"]).Job, Type: "service", ParameterizedJob: {} } };
    expect((await put("/v1/jobs", param)).text).toContain(
      'Parameterized job can only be used with "batch" or "sysbatch" scheduler',
    );
  });

  test("defaults are applied server-side", async () => {
    await put("/v1/jobs", {
      Job: {
        ID: "reg-defaults",
        TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "sleep", args: ["30"] } }] }],
      },
    });
    const job = obj((await get("/v1/job/reg-defaults")).json);
    expect(job).toMatchObject({
      Name: "reg-defaults",
      Namespace: "default",
      Type: "service",
      Priority: 50,
      Datacenters: ["*"],
      Region: "global",
      Version: 0,
      Stop: false,
    });
    const t = obj(arr(obj(arr(job.TaskGroups)[0]).Tasks)[0]);
    expect(t.Resources).toMatchObject({ CPU: 100, MemoryMB: 300 });
    expect(t.KillTimeout).toBe(5_000_000_000);
  });

  test("memory_max produces a Warning", async () => {
    const body = batchJob("reg-warn", ["true"]);
    obj(arr(arr(obj(body.Job).TaskGroups)[0]?.Tasks)[0]).Resources = { CPU: 100, MemoryMB: 64, MemoryMaxMB: 128 };
    const r = obj((await put("/v1/jobs", body)).json);
    expect(r.Warnings).toContain('Memory oversubscription is not enabled; Task "sandbox.main" memory_max value will be ignored.');
  });

  test("Stop:true stores the job stopped", async () => {
    const body = batchJob("reg-stopped", ["sleep", "30"]);
    obj(body.Job).Stop = true;
    await put("/v1/jobs", body);
    const job = await waitFor(async () => {
      const j = obj((await get("/v1/job/reg-stopped")).json);
      return j.Status === "dead" ? j : undefined;
    }, "stopped job dead");
    expect(job.Stop).toBe(true);
    expect(arr((await get("/v1/job/reg-stopped/allocations")).json)).toEqual([]);
  });
});

describe("read, list, deregister", () => {
  test("404 job not found carries read headers", async () => {
    const r = await get("/v1/job/nope");
    expect([r.status, r.text]).toEqual([404, "job not found"]);
    expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(Number(r.headers.get("x-nomad-index"))).toBeGreaterThan(0);
    expect(r.headers.get("x-nomad-knownleader")).toBe("true");
    expect(r.headers.get("x-nomad-lastcontact")).toBe("0");
  });

  test("list: prefix, namespace, meta, filter, per_page/next_token", async () => {
    for (const id of ["lst-a", "lst-b", "lst-c"])
      await put(
        "/v1/jobs?namespace=team",
        batchJob(id, ["sleep", "30"], { meta: { "agentkernel-managed": id === "lst-b" ? "false" : "true" } }),
      );
    expect(arr((await get("/v1/jobs?prefix=lst-")).json)).toEqual([]);
    const all = arr((await get("/v1/jobs?namespace=team&prefix=lst-")).json);
    expect(all.map((j) => j.ID)).toEqual(["lst-a", "lst-b", "lst-c"]);
    expect(all[0]).not.toHaveProperty("Meta");
    const meta = arr((await get("/v1/jobs?namespace=team&prefix=lst-&meta=true")).json);
    expect(meta[0]?.Meta).toEqual({ "agentkernel-managed": "true" });
    const f = encodeURIComponent('Meta["agentkernel-managed"] == "true"');
    expect(arr((await get(`/v1/jobs?namespace=team&filter=${f}`)).json).map((j) => j.ID)).toEqual(["lst-a", "lst-c"]);
    const p1 = await get("/v1/jobs?namespace=team&prefix=lst-&per_page=2");
    expect(arr(p1.json).map((j) => j.ID)).toEqual(["lst-a", "lst-b"]);
    expect(p1.headers.get("x-nomad-nexttoken")).toBe("team.lst-c");
    const p2 = await get("/v1/jobs?namespace=team&prefix=lst-&per_page=2&next_token=team.lst-c");
    expect(arr(p2.json).map((j) => j.ID)).toEqual(["lst-c"]);
    expect(p2.headers.get("x-nomad-nexttoken")).toBeNull();
    expect(arr((await get("/v1/jobs?namespace=*&prefix=lst-")).json)).toHaveLength(3);
    const bad = await get(`/v1/jobs?filter=${encodeURIComponent("Meta[")}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^failed to create result paginator: /);
  });

  test("stop keeps the job readable and it becomes dead; purge removes it", async () => {
    await put("/v1/jobs", batchJob("del-1", ["sleep", "30"]));
    await waitFor(async () => arr((await get("/v1/job/del-1/allocations")).json)[0]?.ClientStatus === "running", "running");
    const before = obj((await get("/v1/job/del-1")).json);
    const d = await call(nomad.address, "DELETE", "/v1/job/del-1");
    expect(obj(d.json)).toMatchObject({ VolumeEvalID: "", VolumeEvalIndex: 0, KnownLeader: false });
    const job = await waitFor(async () => {
      const j = obj((await get("/v1/job/del-1")).json);
      return j.Status === "dead" ? j : undefined;
    }, "dead");
    expect(job.Stop).toBe(true);
    expect(job.Version).toBe((before.Version as number) + 1);
    const alloc = await waitFor(async () => {
      const a = arr((await get("/v1/job/del-1/allocations")).json)[0];
      return a?.ClientStatus === "complete" ? a : undefined;
    }, "alloc complete");
    expect(alloc.DesiredStatus).toBe("stop");
    const p = await call(nomad.address, "DELETE", "/v1/job/del-1?purge=true");
    expect(p.status).toBe(200);
    expect((await get("/v1/job/del-1")).status).toBe(404);
    expect((await get(`/v1/allocation/${alloc.ID}`)).status).toBe(200);
  });

  test("DELETE of a missing job is 200 with an empty EvalID", async () => {
    const r = await call(nomad.address, "DELETE", "/v1/job/never-existed");
    expect(r.status).toBe(200);
    expect(obj(r.json)).toMatchObject({ EvalID: "", EvalCreateIndex: 0, JobModifyIndex: 0, Index: 0 });
  });

  test("unknown job allocations/evaluations are [], summary is 404", async () => {
    expect(arr((await get("/v1/job/ghost/allocations")).json)).toEqual([]);
    expect(arr((await get("/v1/job/ghost/evaluations")).json)).toEqual([]);
    expect((await get("/v1/job/ghost/summary")).text).toBe("job not found");
  });

  test("wrong method is 405 Invalid method", async () => {
    const r = await call(nomad.address, "DELETE", "/v1/jobs");
    expect([r.status, r.text]).toEqual([405, "Invalid method"]);
  });

  test("summary counts running allocs per group", async () => {
    await put("/v1/jobs", batchJob("sum-1", ["sleep", "30"]));
    const s = await waitFor(async () => {
      const b = obj((await get("/v1/job/sum-1/summary")).json);
      return obj(obj(b.Summary).sandbox).Running === 1 ? b : undefined;
    }, "summary running");
    expect(s).toMatchObject({ JobID: "sum-1", Namespace: "default", Children: { Pending: 0, Running: 0, Dead: 0 } });
    expect(obj((await get("/v1/job/sum-1")).json).Status).toBe("running");
    expect(arr((await get("/v1/job/sum-1/evaluations")).json)[0]).toHaveProperty("FailedTGAllocs");
  });
});
