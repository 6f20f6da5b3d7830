/** Shape checks: every key of the examples in shared/nomad-api/examples/ is present in our responses. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, call, example, obj, waitFor } from "./test-helpers.js";

let nomad: Emulator;
const ns = "agentkernel";
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 300 });
});
afterAll(() => nomad.stop());

/** Keys of an example object (annotations starting with `_` dropped). */
const keysOf = (v: unknown) => Object.keys(obj(v)).filter((k) => !k.startsWith("_"));

function expectKeys(actual: unknown, ex: unknown, where: string) {
  for (const k of keysOf(ex)) expect(obj(actual), `${where}.${k}`).toHaveProperty([k]);
}

test("register, job list (meta=true), allocation read and stub list", async () => {
  const reg = await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, example("job-register-request-docker-sandbox.json"));
  expectKeys(reg.json, example("job-register-response.json"), "register");
  const a = await waitFor(
    async () =>
      arr((await call(nomad.address, "GET", `/v1/job/sbx-7f3a/allocations?namespace=${ns}`)).json).find(
        (x) => x.ClientStatus === "running",
      ),
    "running",
  );
  const list = arr((await call(nomad.address, "GET", `/v1/jobs?namespace=${ns}&meta=true`)).json);
  const exJob = obj(arr(example("job-list-meta.json"))[0]);
  expectKeys(list[0], exJob, "jobs[0]");
  expectKeys(obj(list[0]).JobSummary, exJob.JobSummary, "jobs[0].JobSummary");
  expect(obj(list[0]).Meta).toEqual(exJob.Meta);
  const full = obj((await call(nomad.address, "GET", `/v1/allocation/${a.ID}`)).json);
  const exAlloc = example("allocation-running.json");
  expectKeys(full, exAlloc, "alloc");
  expectKeys(full.Metrics, exAlloc.Metrics, "alloc.Metrics");
  expectKeys(full.AllocatedResources, exAlloc.AllocatedResources, "alloc.AllocatedResources");
  const ts = obj(obj(full.TaskStates).main);
  const exTs = obj(obj(exAlloc.TaskStates).main);
  expectKeys(ts, exTs, "TaskStates.main");
  expectKeys(arr(ts.Events)[0], arr(exTs.Events)[0], "TaskEvent");
  expect(full).toMatchObject({ Name: "sbx-7f3a.sandbox[0]", TaskGroup: "sandbox", Namespace: ns, JobID: "sbx-7f3a" });
  const stub = arr((await call(nomad.address, "GET", `/v1/allocations?namespace=${ns}`)).json)[0];
  expectKeys(stub, arr(example("allocation-stub-list.json"))[0], "alloc stub");
});

test("failed placement eval and dispatch response", async () => {
  const reg = obj(
    (
      await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, {
        Job: {
          ID: "sbx-big",
          Type: "batch",
          TaskGroups: [
            {
              Name: "sandbox",
              Tasks: [
                {
                  Name: "main",
                  Driver: "docker",
                  Config: { image: "x", command: "true" },
                  Resources: { CPU: 500, MemoryMB: 65536 },
                },
              ],
            },
          ],
        },
      })
    ).json,
  );
  const ev = await waitFor(async () => {
    const e = obj((await call(nomad.address, "GET", `/v1/evaluation/${reg.EvalID}`)).json);
    return e.Status === "complete" ? e : undefined;
  }, "eval");
  const exEval = example("evaluation-failed-placement.json");
  expectKeys(ev, exEval, "eval");
  expectKeys(obj(ev.FailedTGAllocs).sandbox, obj(exEval.FailedTGAllocs).sandbox, "FailedTGAllocs.sandbox");
  await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, example("job-register-request-parameterized.json"));
  const d = await call(
    nomad.address,
    "POST",
    `/v1/job/sandbox-template/dispatch?namespace=${ns}`,
    example("job-register-request-parameterized.json")._dispatch_request_body,
  );
  expectKeys(d.json, example("dispatch-response.json"), "dispatch");
});

test("variable read and 409 body", async () => {
  const ex = example("variable-read.json");
  const w = await call(nomad.address, "PUT", `/v1/var/${ex.Path}?namespace=${ns}`, {
    Namespace: ns,
    Path: ex.Path,
    Items: ex.Items,
  });
  expectKeys(w.json, ex, "var write");
  const c = await call(nomad.address, "PUT", `/v1/var/${ex.Path}?namespace=${ns}&cas=1`, {
    Namespace: ns,
    Path: ex.Path,
    Items: ex.Items,
  });
  expect(c.status).toBe(409);
  expectKeys(c.json, example("variable-cas-conflict-409.json"), "409");
});
