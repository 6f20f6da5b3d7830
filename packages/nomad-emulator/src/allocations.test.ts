/** Contract tests for allocations, evaluations and placement failures (REFERENCE.md §2, §3). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, batchJob, call, obj, waitFor } from "./test-helpers.js";

let nomad: Emulator;
const get = (p: string) => call(nomad.address, "GET", p);
const firstAlloc = (job: string, status: string) =>
  waitFor(async () => {
    const a = arr((await get(`/v1/job/${job}/allocations`)).json).find((x) => x.ClientStatus === status);
    return a;
  }, `${job} ${status}`);

beforeAll(async () => {
  nomad = await startEmulator({
    port: 0,
    maxKillTimeoutMs: 500,
    nodes: [
      { name: "big", memoryMB: 1024, drivers: ["docker", "exec", "raw_exec"] },
      { name: "nodocker", memoryMB: 4096, drivers: ["raw_exec"] },
    ],
  });
});
afterAll(() => nomad.stop());

describe("task lifecycle", () => {
  test("exit 0 → complete; non-zero with Attempts 0 → failed, no restart", async () => {
    await call(nomad.address, "PUT", "/v1/jobs", batchJob("ok-job", ["sh", "-c", "echo out; echo err >&2"]));
    const ok = await firstAlloc("ok-job", "complete");
    expect(obj(obj(ok.TaskStates).main)).toMatchObject({ State: "dead", Failed: false });
    const dir = join(nomad.allocRoot, ok.ID as string);
    expect(readFileSync(join(dir, "alloc/logs/main.stdout.0"), "utf8")).toBe("out\n");
    expect(readFileSync(join(dir, "alloc/logs/main.stderr.0"), "utf8")).toBe("err\n");
    for (const d of ["alloc/data", "alloc/tmp", "main/local", "main/secrets", "main/tmp"])
      expect(existsSync(join(dir, d))).toBe(true);
    await call(nomad.address, "PUT", "/v1/jobs", batchJob("bad-job", ["sh", "-c", "exit 3"]));
    const bad = await firstAlloc("bad-job", "failed");
    const ts = obj(obj(bad.TaskStates).main);
    expect(ts).toMatchObject({ State: "dead", Failed: true, Restarts: 0 });
    const types = arr(ts.Events).map((e) => e.Type);
    expect(types).toEqual(["Received", "Task Setup", "Started", "Terminated", "Not Restarting"]);
    expect(arr(ts.Events)[3]).toMatchObject({ ExitCode: 3, Details: { exit_code: "3" } });
    expect(obj((await get("/v1/job/bad-job")).json).Status).toBe("dead");
  });

  test("RestartPolicy attempts restart the task, then it fails with Nomad's message", async () => {
    const body = batchJob("restart-job", ["sh", "-c", "exit 4"], {
      group: { RestartPolicy: { Attempts: 1, Interval: 86_400_000_000_000, Delay: 50_000_000, Mode: "fail" } },
    });
    await call(nomad.address, "PUT", "/v1/jobs", body);
    const a = await firstAlloc("restart-job", "failed");
    const ts = obj(obj(a.TaskStates).main);
    expect(ts.Restarts).toBe(1);
    const events = arr(ts.Events);
    expect(events.map((e) => e.Type)).toContain("Restarting");
    expect(events.at(-1)).toMatchObject({
      Type: "Not Restarting",
      DisplayMessage: 'Exceeded allowed attempts 1 in interval 24h0m0s and mode is "fail"',
      FailsTask: true,
    });
  });

  test("a service task that exits 0 is restarted too, then fails when attempts run out", async () => {
    const body = batchJob("svc-job", ["true"], {
      group: { RestartPolicy: { Attempts: 1, Interval: 1_800_000_000_000, Delay: 50_000_000, Mode: "fail" } },
    });
    obj(body.Job).Type = "service";
    await call(nomad.address, "PUT", "/v1/jobs", body);
    const a = await firstAlloc("svc-job", "failed");
    expect(obj(obj(a.TaskStates).main)).toMatchObject({ Restarts: 1, Failed: true });
    await call(nomad.address, "DELETE", "/v1/job/svc-job?purge=true");
  });

  test("docker task runs Config.command under the task view with NOMAD_* env", async () => {
    const body = batchJob(
      "env-job",
      ["sh", "-c", 'echo "$NOMAD_ALLOC_DIR $NOMAD_TASK_DIR $NOMAD_JOB_ID $NOMAD_META_owner $SANDBOX"; sleep 30'],
      {
        driver: "docker",
        meta: { owner: "alice" },
      },
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Nomad's interpolation syntax, not a JS template
    obj(arr(arr(obj(body.Job).TaskGroups)[0]?.Tasks)[0]).Env = { SANDBOX: "${NOMAD_JOB_ID}-x" };
    await call(nomad.address, "PUT", "/v1/jobs", body);
    const a = await firstAlloc("env-job", "running");
    expect(a.NodeName).toBe("big");
    const log = join(nomad.allocRoot, a.ID as string, "alloc/logs/main.stdout.0");
    const out = await waitFor(async () => existsSync(log) && readFileSync(log, "utf8"), "env output");
    expect(out.trim().split(" ").slice(2)).toEqual(["env-job", "alice", "env-job-x"]);
    const full = obj((await get(`/v1/allocation/${a.ID}`)).json);
    const events = arr(obj(obj(full.TaskStates).main).Events).map((e) => e.Type);
    expect(events).toEqual(["Received", "Task Setup", "Driver", "Started"]);
    expect(obj(full.Job).ID).toBe("env-job");
    await call(nomad.address, "DELETE", "/v1/job/env-job?purge=true");
    const stopped = await waitFor(async () => {
      const x = obj((await get(`/v1/allocation/${a.ID}`)).json);
      return x.ClientStatus === "complete" ? x : undefined;
    }, "stopped alloc complete");
    const kill = arr(obj(obj(stopped.TaskStates).main).Events).map((e) => e.Type);
    expect(kill.slice(-3)).toEqual(["Killing", "Terminated", "Killed"]);
    expect(stopped.DesiredStatus).toBe("stop");
  });
});

describe("placement failures", () => {
  test("missing drivers + memory: eval complete with FailedTGAllocs, BlockedEval, no alloc, job pending", async () => {
    const r = obj(
      (await call(nomad.address, "PUT", "/v1/jobs", batchJob("too-big", ["sleep", "1"], { driver: "docker", memoryMB: 65536 })))
        .json,
    );
    const ev = await waitFor(async () => {
      const e = obj((await get(`/v1/evaluation/${r.EvalID}`)).json);
      return e.Status === "complete" ? e : undefined;
    }, "eval complete");
    const m = obj(obj(ev.FailedTGAllocs).sandbox);
    expect(m).toMatchObject({
      NodesEvaluated: 2,
      NodesFiltered: 1,
      NodesInPool: 2,
      NodesAvailable: { dc1: 2 },
      ConstraintFiltered: { "missing drivers": 1 },
      NodesExhausted: 1,
      DimensionExhausted: { memory: 1 },
      CoalescedFailures: 0,
    });
    expect(obj(obj(m.ResourcesExhausted).main).MemoryMB).toBe(65536);
    expect(ev.QueuedAllocations).toEqual({ sandbox: 1 });
    const blocked = obj((await get(`/v1/evaluation/${ev.BlockedEval}`)).json);
    expect(blocked).toMatchObject({ Status: "blocked", PreviousEval: r.EvalID, JobID: "too-big" });
    expect(arr((await get("/v1/job/too-big/allocations")).json)).toEqual([]);
    const job = obj((await get("/v1/job/too-big")).json);
    expect(job.Status).toBe("pending");
    const sum = obj((await get("/v1/job/too-big/summary")).json);
    expect(obj(obj(sum.Summary).sandbox).Queued).toBe(1);
    const evs = arr((await get("/v1/job/too-big/evaluations")).json);
    expect(evs.map((e) => e.Status).sort()).toEqual(["blocked", "complete"]);
  });

  test("a blocked eval places once capacity frees up", async () => {
    await call(nomad.address, "PUT", "/v1/jobs", batchJob("cap-a", ["sleep", "30"], { driver: "docker", memoryMB: 800 }));
    await firstAlloc("cap-a", "running");
    const reg = obj(
      (await call(nomad.address, "PUT", "/v1/jobs", batchJob("cap-b", ["sleep", "30"], { driver: "docker", memoryMB: 800 })))
        .json,
    );
    const ev = await waitFor(async () => {
      const e = obj((await get(`/v1/evaluation/${reg.EvalID}`)).json);
      return e.Status === "complete" ? e : undefined;
    }, "eval complete");
    expect(obj(obj(ev.FailedTGAllocs).sandbox).DimensionExhausted).toEqual({ memory: 1 });
    expect(obj((await get("/v1/job/cap-b")).json).Status).toBe("pending");
    await call(nomad.address, "DELETE", "/v1/job/cap-a");
    await firstAlloc("cap-b", "running");
    expect(obj((await get(`/v1/evaluation/${ev.BlockedEval}`)).json).Status).toBe("complete");
    expect(obj((await get("/v1/job/cap-b")).json).Status).toBe("running");
    await call(nomad.address, "DELETE", "/v1/job/cap-b?purge=true");
  });

  test("eval list rejects filter combined with job/status", async () => {
    const r = await get(`/v1/evaluations?job=too-big&filter=${encodeURIComponent('Status == "complete"')}`);
    expect([r.status, r.text]).toEqual([400, "Filter expression cannot be used with other filter parameters"]);
    expect(arr((await get("/v1/evaluations?job=too-big")).json).length).toBe(2);
  });

  test("stopping a job with a blocked eval cancels it and the job is dead", async () => {
    const evs = arr((await get("/v1/job/too-big/evaluations")).json);
    const blocked = evs.find((e) => e.Status === "blocked");
    expect(blocked).toBeDefined();
    await call(nomad.address, "DELETE", "/v1/job/too-big");
    await waitFor(async () => obj((await get("/v1/job/too-big")).json).Status === "dead", "dead");
    expect(obj((await get(`/v1/evaluation/${blocked?.ID}`)).json).Status).toBe("canceled");
  });

  test("404 texts for evals and allocs", async () => {
    expect((await get("/v1/evaluation/00000000-0000-0000-0000-000000000000")).text).toBe("eval not found");
    expect((await get("/v1/allocation/00000000-0000-0000-0000-000000000000")).text).toBe("alloc not found");
    const stop = await call(nomad.address, "POST", "/v1/allocation/00000000-0000-0000-0000-000000000000/stop");
    expect([stop.status, stop.text]).toEqual([404, "allocation not found"]);
  });
});

describe("alloc stop and list", () => {
  test("stop places a replacement linked by Previous/NextAllocation", async () => {
    await call(nomad.address, "PUT", "/v1/jobs", batchJob("mig", ["sleep", "30"]));
    const a = await firstAlloc("mig", "running");
    const r = await call(nomad.address, "POST", `/v1/allocation/${a.ID}/stop`);
    expect(Object.keys(obj(r.json)).sort()).toEqual(["EvalID", "Index"]);
    const next = await waitFor(async () => {
      const all = arr((await get("/v1/job/mig/allocations")).json);
      return all.find((x) => x.ID !== a.ID && x.ClientStatus === "running");
    }, "replacement running");
    const old = obj((await get(`/v1/allocation/${a.ID}`)).json);
    expect(old).toMatchObject({ DesiredStatus: "stop", NextAllocation: next.ID, DesiredTransition: { Migrate: true } });
    expect(obj((await get(`/v1/allocation/${next.ID}`)).json).PreviousAllocation).toBe(a.ID);
    expect(obj((await get(`/v1/evaluation/${obj(r.json).EvalID}`)).json).TriggeredBy).toBe("alloc-stop");
  });

  test("list: filter, prefix, task_states=false, resources=true", async () => {
    const f = encodeURIComponent('JobID == "mig" and ClientStatus == "running"');
    const list = arr((await get(`/v1/allocations?filter=${f}`)).json);
    expect(list).toHaveLength(1);
    const id = list[0]?.ID as string;
    expect(arr((await get(`/v1/allocations?prefix=${id.slice(0, 6)}`)).json).map((x) => x.ID)).toEqual([id]);
    const lean = arr((await get(`/v1/allocations?prefix=${id}&task_states=false&resources=true`)).json)[0];
    expect(lean?.TaskStates).toBeNull();
    expect(lean?.AllocatedResources).toBeTruthy();
  });
});
