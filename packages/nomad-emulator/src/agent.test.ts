/** Agent, status and nodes endpoints a `doctor` needs (REFERENCE.md §9). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { EMULATED_VERSION, type Emulator, startEmulator } from "./index.js";
import { arr, call, obj } from "./test-helpers.js";

let nomad: Emulator;
beforeAll(async () => {
  nomad = await startEmulator({
    port: 0,
    isolation: "none",
    nodes: [{}, { name: "gpu", datacenter: "dc2", drivers: ["exec"], unhealthyDrivers: ["docker"], status: "down" }],
  });
});
afterAll(() => nomad.stop());

test("status/leader is a JSON string; agent/health has client and server", async () => {
  const l = await call(nomad.address, "GET", "/v1/status/leader");
  for (const path of ["/v1/status/leader", "/v1/agent/self", "/v1/agent/health", "/v1/acl/token/self"]) {
    const r = await call(nomad.address, "GET", path);
    expect(r.headers.get("x-nomad-index"), path).not.toBeNull();
    expect(r.headers.get("x-nomad-lastcontact"), path).toBe("0");
  }
  expect(typeof l.json).toBe("string");
  expect(l.json).not.toBe("");
  const h = await call(nomad.address, "GET", "/v1/agent/health");
  expect(h.json).toEqual({ client: { ok: true, message: "ok" }, server: { ok: true, message: "ok" } });
  expect(obj((await call(nomad.address, "GET", "/v1/agent/health?type=client")).json)).not.toHaveProperty("server");
});

test("agent/self has lower-case top-level keys and config.Version.Version", async () => {
  const s = obj((await call(nomad.address, "GET", "/v1/agent/self")).json);
  expect(Object.keys(s).sort()).toEqual(["config", "member", "stats"]);
  expect(obj(obj(s.config).Version).Version).toBe(EMULATED_VERSION);
  expect(obj(obj(s.config).ACL).Enabled).toBe(false);
});

test("nodes list carries per-node Drivers with Detected/Healthy", async () => {
  const r = await call(nomad.address, "GET", "/v1/nodes");
  expect(r.headers.get("x-nomad-index")).not.toBeNull();
  const nodes = arr(r.json);
  expect(nodes).toHaveLength(2);
  const first = obj(nodes.find((n) => n.Datacenter === "dc1"));
  expect(first).toMatchObject({ Status: "ready", SchedulingEligibility: "eligible", NodePool: "default" });
  for (const d of ["docker", "exec", "raw_exec"])
    expect(obj(obj(first.Drivers)[d])).toMatchObject({ Detected: true, Healthy: true });
  expect(obj(obj(obj(first.Drivers).docker).Attributes)["driver.docker.version"]).toBeTruthy();
  const gpu = obj(nodes.find((n) => n.Name === "gpu"));
  expect(gpu.Status).toBe("down");
  expect(obj(obj(gpu.Drivers).docker)).toMatchObject({ Detected: true, Healthy: false });
  expect(obj(gpu.Drivers)).not.toHaveProperty("raw_exec");
  expect(obj((await call(nomad.address, "GET", `/v1/node/${gpu.ID}`)).json).Name).toBe("gpu");
});

test("unknown paths are 404", async () => {
  expect((await call(nomad.address, "GET", "/v1/nonsense")).status).toBe(404);
});
