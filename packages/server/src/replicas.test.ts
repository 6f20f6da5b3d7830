// Two server replicas on one emulator agree (stateless: all state from Nomad), and the pool path through a real WarmPool.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { createWarmPool, type WarmPool } from "@agentkernel/pool";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, json, nomadBackend, type TestServer, testServer } from "./test-server.js";

const KEY = "replica-key-0123456789";
let nomad: Emulator;
const backends: Backend[] = [];
const pools: WarmPool[] = [];
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nomad = await emulator({ nodes: [{ cpuMHz: 100_000, memoryMB: 100_000 }] });
  for (let i = 0; i < 2; i++) backends.push(nomadBackend(nomad));
  const [ba, bb] = backends as [Backend, Backend];
  // Each replica has its own pool manager; without a backend provider every claim is a cold start through the pool.
  for (const backend of [ba, bb]) {
    pools.push(
      createWarmPool({
        backend,
        pools: [{ key: "alpine-3-20.moderate", image: "alpine:3.20", profile: "moderate" }],
        targetSize: 0,
      }),
    );
  }
  a = await testServer({ backend: ba, apiKey: KEY, pool: pools[0] });
  b = await testServer({ backend: bb, apiKey: KEY, pool: pools[1] });
});
afterAll(async () => {
  await a.server.close();
  await b.server.close();
  for (const backend of backends) await backend.close?.();
  await nomad.stop();
});

const names = async (s: TestServer) => (await json(await s.api("/sandboxes"))).data.map((x) => x.name);

describe("two replicas on one Nomad", () => {
  it("see the same sandboxes and can exec in each other's", async () => {
    expect((await a.api("/sandboxes", { method: "POST", json: { name: "from-a" } })).status).toBe(201);
    expect((await b.api("/sandboxes", { method: "POST", json: { name: "from-b" } })).status).toBe(201);
    expect((await names(a)).sort()).toEqual(["from-a", "from-b"]);
    expect((await names(b)).sort()).toEqual(["from-a", "from-b"]);
    await b.api("/sandboxes/from-a/files/tmp/note", { method: "PUT", json: { content: "written via b" } });
    const read = await json(await a.api("/sandboxes/from-a/exec", { method: "POST", json: { command: ["cat", "/tmp/note"] } }));
    expect(read.data.stdout).toBe("written via b");
    // A name taken through one replica is taken for the other (the backend decides, atomically).
    const dup = await json(await b.api("/sandboxes", { method: "POST", json: { name: "from-a" } }));
    expect(dup.error.code).toBe("ALREADY_EXISTS");
    expect((await a.api("/sandboxes/from-b", { method: "DELETE" })).status).toBe(200);
    expect((await b.api("/sandboxes/from-b")).status).toBe(404);
    expect(await names(b)).toEqual(["from-a"]);
    await b.api("/sandboxes/from-a", { method: "DELETE" });
  });

  it("run through each replica's pool concurrently: distinct sandboxes, all removed, stats on /pool", async () => {
    const runs = await Promise.all(
      [a, b, a, b].map(async (s) => json(await s.api("/run", { method: "POST", json: { command: ["echo", "pooled"] } }))),
    );
    expect(runs.map((r) => r.data.stdout)).toEqual(["pooled\n", "pooled\n", "pooled\n", "pooled\n"]);
    expect(new Set(runs.map((r) => r.data.sandbox)).size).toBe(4);
    expect(await names(a)).toEqual([]);
    const stats = await json(await a.api("/pool"));
    expect(stats).toMatchObject({ success: true, data: { enabled: true, stats: { hits: 0, misses: 2 } } });
    const metrics = await (await a.api("/metrics")).text();
    expect(metrics).toMatch(/^agentkernel_pool_claims_total\{result="miss"\} 2$/m);
    expect(metrics).toMatch(/^agentkernel_pool_sandboxes\{pool="alpine-3-20.moderate",state="warm"\} 0$/m);
  });
});
