/** Injected faults: latency, 500/503, resets, no-leader window, lost allocs, held placement, and stats(). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, batchJob, call, obj, waitFor } from "./test-helpers.js";

let nomad: Emulator;
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 300 });
});
afterAll(() => nomad.stop());

test("stats count requests per route label and method", async () => {
  nomad.resetStats();
  await call(nomad.address, "GET", "/v1/job/a");
  await call(nomad.address, "GET", `/v1/job/${encodeURIComponent("p/dispatch-1-abc")}`);
  await call(nomad.address, "GET", "/v1/jobs");
  expect(nomad.stats().requests).toEqual({ "GET /v1/job/:id": 2, "GET /v1/jobs": 1 });
});

test("the next N requests fail with 503 / 500 texts, then recover", async () => {
  nomad.inject({ type: "error", status: 503, count: 2, route: "GET /v1/jobs" });
  const a = await call(nomad.address, "GET", "/v1/jobs");
  expect([a.status, a.text]).toEqual([503, "Service Unavailable"]);
  expect((await call(nomad.address, "GET", "/v1/status/leader")).status).toBe(200);
  expect((await call(nomad.address, "GET", "/v1/jobs")).status).toBe(503);
  expect((await call(nomad.address, "GET", "/v1/jobs")).status).toBe(200);
  nomad.inject({ type: "error", status: 500, count: 1 });
  const b = await call(nomad.address, "GET", "/v1/jobs");
  expect([b.status, b.text]).toEqual([500, "No cluster leader"]);
});

test("a seeded fraction is deterministic", async () => {
  const run = async () => {
    nomad.inject({ type: "clear" });
    nomad.inject({ type: "error", status: 500, fraction: 0.5, seed: 42, route: "GET /v1/nodes" });
    const out: number[] = [];
    for (let i = 0; i < 12; i++) out.push((await call(nomad.address, "GET", "/v1/nodes")).status);
    return out;
  };
  const first = await run();
  expect(first).toContain(500);
  expect(first).toContain(200);
  expect(await run()).toEqual(first);
  nomad.inject({ type: "clear" });
});

test("connection reset destroys the socket", async () => {
  nomad.inject({ type: "reset", count: 1 });
  await expect(fetch(`${nomad.address}/v1/jobs`)).rejects.toThrow();
  expect((await call(nomad.address, "GET", "/v1/jobs")).status).toBe(200);
});

test("latency applies per route (a delayed route finishes after an undelayed one sent later)", async () => {
  nomad.inject({ type: "latency", ms: 300, route: "GET /v1/nodes" });
  const order: string[] = [];
  const slow = call(nomad.address, "GET", "/v1/nodes").then(() => order.push("nodes"));
  await new Promise((r) => setTimeout(r, 20));
  const fast = call(nomad.address, "GET", "/v1/jobs").then(() => order.push("jobs"));
  await Promise.all([slow, fast]);
  expect(order).toEqual(["jobs", "nodes"]);
  nomad.inject({ type: "clear" });
});

test("no-leader window: 500 No cluster leader, stale reads get KnownLeader false, leader is empty", async () => {
  nomad.inject({ type: "noLeader" });
  const r = await call(nomad.address, "GET", "/v1/jobs");
  expect([r.status, r.text]).toEqual([500, "No cluster leader"]);
  const stale = await call(nomad.address, "GET", "/v1/jobs?stale");
  expect(stale.status).toBe(200);
  expect(stale.headers.get("x-nomad-knownleader")).toBe("false");
  expect((await call(nomad.address, "GET", "/v1/status/leader")).json).toBe("");
  const h = await call(nomad.address, "GET", "/v1/agent/health");
  expect(h.status).toBe(500);
  expect(obj(JSON.parse(h.text)).server).toEqual({ ok: false, message: "No cluster leader" });
  expect((await call(nomad.address, "PUT", "/v1/jobs", batchJob("nl", ["true"]))).status).toBe(500);
  nomad.inject({ type: "leaderRestored" });
  expect((await call(nomad.address, "GET", "/v1/jobs")).status).toBe(200);
});

test("placement that never happens keeps the eval pending until released", async () => {
  nomad.inject({ type: "placementNever" });
  const reg = obj((await call(nomad.address, "PUT", "/v1/jobs", batchJob("held", ["sleep", "30"]))).json);
  await new Promise((r) => setTimeout(r, 200));
  expect(obj((await call(nomad.address, "GET", `/v1/evaluation/${reg.EvalID}`)).json).Status).toBe("pending");
  expect(obj((await call(nomad.address, "GET", "/v1/job/held")).json).Status).toBe("pending");
  nomad.inject({ type: "placementNever", on: false });
  await waitFor(
    async () => arr((await call(nomad.address, "GET", "/v1/job/held/allocations")).json)[0]?.ClientStatus === "running",
    "placed",
  );
});

test("an alloc going lost is replaced unless Disconnect.Replace is false", async () => {
  await call(nomad.address, "PUT", "/v1/jobs", batchJob("lost-1", ["sleep", "30"]));
  const a = await waitFor(
    async () =>
      arr((await call(nomad.address, "GET", "/v1/job/lost-1/allocations")).json).find((x) => x.ClientStatus === "running"),
    "running",
  );
  nomad.inject({ type: "allocLost", allocId: a.ID as string });
  const lost = obj((await call(nomad.address, "GET", `/v1/allocation/${a.ID}`)).json);
  expect(lost).toMatchObject({ ClientStatus: "lost", DesiredStatus: "stop" });
  await waitFor(
    async () =>
      arr((await call(nomad.address, "GET", "/v1/job/lost-1/allocations")).json).some(
        (x) => x.ID !== a.ID && x.ClientStatus === "running",
      ),
    "replacement",
  );

  await call(
    nomad.address,
    "PUT",
    "/v1/jobs",
    batchJob("lost-2", ["sleep", "30"], { group: { Disconnect: { Replace: false } } }),
  );
  const b = await waitFor(
    async () =>
      arr((await call(nomad.address, "GET", "/v1/job/lost-2/allocations")).json).find((x) => x.ClientStatus === "running"),
    "running",
  );
  nomad.inject({ type: "allocLost", allocId: b.ID as string });
  await new Promise((r) => setTimeout(r, 300));
  const all = arr((await call(nomad.address, "GET", "/v1/job/lost-2/allocations")).json);
  expect(all.map((x) => x.ClientStatus)).toEqual(["lost"]);
});
