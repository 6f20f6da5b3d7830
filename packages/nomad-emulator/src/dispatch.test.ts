/** Contract tests for parameterized jobs and /v1/job/:id/dispatch (REFERENCE.md §1.5, TASK-DRIVERS.md §6). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, call, example, obj, waitFor } from "./test-helpers.js";

let nomad: Emulator;
const ns = "agentkernel";

beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 500 });
  const parent = example("job-register-request-parameterized.json");
  const job = obj(parent.Job);
  const task = obj(arr(arr(job.TaskGroups)[0]?.Tasks)[0]);
  task.Config = { ...obj(task.Config), command: "sleep", args: ["30"] };
  const r = await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, { Job: { ...job, Meta: { team: "a" } } });
  expect(obj(r.json).EvalID).toBe("");
});
afterAll(() => nomad.stop());

const dispatch = (id: string, body: unknown, q = "") =>
  call(nomad.address, "POST", `/v1/job/${encodeURIComponent(id)}/dispatch?namespace=${ns}${q}`, body);

test("parent has no eval and is running; child ID format, meta merge, payload file", async () => {
  expect(obj((await call(nomad.address, "GET", `/v1/job/sandbox-template?namespace=${ns}`)).json).Status).toBe("running");
  const r = await dispatch("sandbox-template", example("job-register-request-parameterized.json")._dispatch_request_body);
  expect(r.status).toBe(200);
  const b = obj(r.json);
  expect(Object.keys(b).sort()).toEqual(Object.keys(example("dispatch-response.json")).sort());
  const child = b.DispatchedJobID as string;
  expect(child).toMatch(/^sandbox-template\/dispatch-\d{10}-[0-9a-f]{8}$/);
  for (const path of [`/v1/job/${encodeURIComponent(child)}`, `/v1/job/${child}`]) {
    const j = obj((await call(nomad.address, "GET", `${path}?namespace=${ns}`)).json);
    expect(j).toMatchObject({ ID: child, Name: child, ParentID: "sandbox-template", Dispatched: true, ParameterizedJob: null });
    expect(j.Meta).toEqual({ team: "a", sandbox_id: "7f3a", owner: "alice" });
    expect(j.Payload).toBe("eyJ0YXNrIjoiaGVsbG8ifQ==");
  }
  const alloc = await waitFor(async () => {
    const a = arr((await call(nomad.address, "GET", `/v1/job/${child}/allocations?namespace=${ns}`)).json)[0];
    return a?.ClientStatus === "running" ? a : undefined;
  }, "child running");
  const file = join(nomad.allocRoot, alloc.ID as string, "main", "local", "input.json");
  await waitFor(async () => existsSync(file), "payload file");
  expect(readFileSync(file, "utf8")).toBe('{"task":"hello"}');
  const kids = arr(
    (await call(nomad.address, "GET", `/v1/jobs?namespace=${ns}&prefix=${encodeURIComponent("sandbox-template/dispatch-")}`))
      .json,
  );
  expect(kids.map((k) => k.ID)).toContain(child);
  const byParent = arr(
    (await call(nomad.address, "GET", `/v1/jobs?namespace=${ns}&filter=${encodeURIComponent('ParentID == "sandbox-template"')}`))
      .json,
  );
  expect(byParent.map((k) => k.ID)).toEqual([child]);
  const parent = obj((await call(nomad.address, "GET", `/v1/job/sandbox-template/summary?namespace=${ns}`)).json);
  expect(obj(parent.Children).Running).toBe(1);
  await call(nomad.address, "DELETE", `/v1/job/${encodeURIComponent(child)}?namespace=${ns}&purge=true`);
});

test("IdPrefixTemplate and idempotency_token", async () => {
  const a = obj(
    (await dispatch("sandbox-template", { Meta: { sandbox_id: "1" }, IdPrefixTemplate: "p" }, "&idempotency_token=tok")).json,
  );
  expect(a.DispatchedJobID).toMatch(/^sandbox-template\/dispatch-p-\d+-[0-9a-f]{8}$/);
  const b = obj(
    (await dispatch("sandbox-template", { Meta: { sandbox_id: "1" }, IdPrefixTemplate: "p" }, "&idempotency_token=tok")).json,
  );
  expect(b.DispatchedJobID).toBe(a.DispatchedJobID);
});

test("meta and payload rules with Nomad's 500 texts", async () => {
  const cases: Array<[unknown, string]> = [
    [{ Meta: {} }, "Dispatch did not provide required meta keys: [sandbox_id]"],
    [{ Meta: { sandbox_id: "1", zz: "x", aa: "y" } }, "Dispatch request included unpermitted metadata keys: [aa zz]"],
    [
      { Meta: { sandbox_id: "1" }, Payload: Buffer.alloc(16385).toString("base64") },
      "Payload exceeds maximum size; 16385 > 16384",
    ],
  ];
  for (const [body, text] of cases) {
    const r = await dispatch("sandbox-template", body);
    expect([r.status, r.text]).toEqual([500, text]);
  }
  const mismatch = await dispatch("sandbox-template", { JobID: "other", Meta: { sandbox_id: "1" } });
  expect([mismatch.status, mismatch.text]).toEqual([400, "Job ID does not match"]);
});

test("payload required/forbidden, not parameterized, missing, stopped", async () => {
  const mk = (id: string, payload: string) => ({
    Job: {
      ID: id,
      Type: "batch",
      ParameterizedJob: { Payload: payload },
      TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
    },
  });
  await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, mk("p-req", "required"));
  await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, mk("p-forb", "forbidden"));
  expect((await dispatch("p-req", {})).text).toBe("Payload is not provided but required by parameterized job");
  expect((await dispatch("p-forb", { Payload: "aGk=" })).text).toBe("Payload provided but forbidden by parameterized job");
  const raw = await call(nomad.address, "POST", `/v1/job/p-req/dispatch/payload?namespace=${ns}`, "raw-bytes");
  expect(raw.status).toBe(200);
  const child = obj(
    (await call(nomad.address, "GET", `/v1/job/${encodeURIComponent(obj(raw.json).DispatchedJobID as string)}?namespace=${ns}`))
      .json,
  );
  expect(Buffer.from(child.Payload as string, "base64").toString()).toBe("raw-bytes");
  expect((await dispatch("nope", {})).text).toBe("parameterized job not found");
  await call(nomad.address, "PUT", `/v1/jobs?namespace=${ns}`, {
    Job: {
      ID: "plain",
      Type: "batch",
      TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
    },
  });
  expect((await dispatch("plain", {})).text).toBe('Specified job "plain" is not a parameterized job');
  await call(nomad.address, "DELETE", `/v1/job/p-forb?namespace=${ns}`);
  const stopped = await dispatch("p-forb", {});
  expect([stopped.status, stopped.text]).toEqual([500, 'Specified job "p-forb" is stopped']);
});
