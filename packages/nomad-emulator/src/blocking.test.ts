/** Blocking queries: index/wait semantics and their 400 texts (REFERENCE.md "Blocking queries"). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseGoDuration } from "./blocking.js";
import { type Emulator, startEmulator } from "./index.js";
import { batchJob, call, obj } from "./test-helpers.js";

let nomad: Emulator;
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none" });
});
afterAll(() => nomad.stop());

test("Go durations", () => {
  expect(parseGoDuration("60s")).toBe(60_000);
  expect(parseGoDuration("5m")).toBe(300_000);
  expect(parseGoDuration("30000ms")).toBe(30_000);
  expect(parseGoDuration("1m30s")).toBe(90_000);
  expect(parseGoDuration("abc")).toBeUndefined();
});

test("a blocked read returns once the watched object changes", async () => {
  await call(nomad.address, "PUT", "/v1/jobs", batchJob("blk", ["sleep", "30"]));
  const first = await call(nomad.address, "GET", "/v1/job/blk");
  const idx = Number(first.headers.get("x-nomad-index"));
  const pending = call(nomad.address, "GET", `/v1/job/blk?index=${idx}&wait=60s`);
  await new Promise((r) => setTimeout(r, 100));
  await call(nomad.address, "PUT", "/v1/jobs", batchJob("blk", ["sleep", "31"]));
  const r = await pending;
  expect(Number(r.headers.get("x-nomad-index"))).toBeGreaterThan(idx);
  expect(obj(r.json).Version).toBe(1);
});

test("a blocked read with nothing changing returns the same index after wait", async () => {
  const first = await call(nomad.address, "GET", "/v1/job/blk");
  const idx = Number(first.headers.get("x-nomad-index"));
  const r = await call(nomad.address, "GET", `/v1/job/blk?index=${idx}&wait=200ms`);
  expect(r.status).toBe(200);
  expect(Number(r.headers.get("x-nomad-index"))).toBe(idx);
});

test("a blocked 404 also returns with read headers", async () => {
  const r = await call(nomad.address, "GET", "/v1/job/none?index=100000&wait=100ms");
  expect(r.status).toBe(404);
  expect(r.headers.get("x-nomad-index")).not.toBeNull();
});

test("bad index or wait → 400", async () => {
  const a = await call(nomad.address, "GET", "/v1/jobs?index=x");
  expect([a.status, a.text]).toEqual([400, "Invalid index"]);
  const b = await call(nomad.address, "GET", "/v1/jobs?index=1&wait=forever");
  expect([b.status, b.text]).toEqual([400, "Invalid wait time"]);
});
