// Lifecycle routes and every error status over a real server with the nomad emulator behind it.
import type { Backend } from "@agentkernel/core";
import { createNomadBackend } from "@agentkernel/backend-nomad";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, nomadBackend, type TestServer, testServer, json } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;
let t: TestServer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  t = await testServer({ backend, limits: { maxConcurrentExecs: 2, maxQueuedExecs: 0, maxJsonBodyBytes: 64 * 1024 } });
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await t.server.close();
  await backend.close?.();
  await nomad.stop();
});

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = await json(res);
  expect({ status: res.status, success: body.success, code: body.error?.code }).toEqual({ status, success: false, code });
  const message = String(body.error.message);
  expect(message.length).toBeGreaterThan(0);
  return message;
}

/** A second server on the same deps but a tweaked backend (a broken or limited one). */
async function serverWith(b: Backend, limits = {}): Promise<TestServer> {
  const s = await testServer({ backend: b, limits });
  cleanups.push(() => s.server.close());
  return s;
}

describe("sandbox lifecycle", () => {
  it("create, conflict, get, list by label, stop, start, remove (idempotent), then 404", async () => {
    const created = await t.api("/sandboxes", { method: "POST", json: { name: "life", labels: { team: "ml" } } });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({
      success: true,
      data: { name: "life", status: "running", labels: { team: "ml" } },
    });
    await expectError(await t.api("/sandboxes", { method: "POST", json: { name: "life" } }), 409, "ALREADY_EXISTS");
    expect((await json(await t.api("/sandboxes/life"))).data.status).toBe("running");
    const listed = await json(await t.api("/sandboxes?label=team=ml"));
    expect(listed.data.map((s) => s.name)).toEqual(["life"]);
    expect((await json(await t.api("/sandboxes?label=team=other"))).data).toEqual([]);
    const stopped = await t.api("/sandboxes/life/stop", { method: "POST" });
    expect((await json(stopped)).data.status).toBe("stopped");
    await expectError(await t.api("/sandboxes/life/exec", { method: "POST", json: { command: ["true"] } }), 409, "NOT_RUNNING");
    expect((await json(await t.api("/sandboxes/life/start", { method: "POST" }))).data.status).toBe("running");
    expect((await t.api("/sandboxes/life", { method: "DELETE" })).status).toBe(200);
    expect((await t.api("/sandboxes/life", { method: "DELETE" })).status).toBe(200);
    await expectError(await t.api("/sandboxes/life"), 404, "NOT_FOUND");
  });

  it("creates without starting when start=false", async () => {
    const res = await t.api("/sandboxes", { method: "POST", json: { name: "cold", start: false, memory_mb: 128 } });
    expect(res.status).toBe(201);
    expect((await json(res)).data).toMatchObject({ status: "stopped", resources: { memory_mb: 128 } });
    await t.api("/sandboxes/cold", { method: "DELETE" });
  });
});

describe("error statuses", () => {
  it("400 for bad names, bodies, JSON, argv, cwd and labels", async () => {
    expect(await expectError(await t.api("/sandboxes/Bad_Name"), 400, "INVALID_INPUT")).toMatch(/not a valid sandbox name/);
    await expectError(await t.api("/sandboxes", { method: "POST", json: { name: "ok", bogus: 1 } }), 400, "INVALID_INPUT");
    await expectError(await t.api("/sandboxes", { method: "POST", json: { image: "x" } }), 400, "INVALID_INPUT");
    await expectError(await t.api("/sandboxes", { method: "POST", json: { name: "-bad-" } }), 400, "INVALID_INPUT");
    const malformed = await t.api("/sandboxes", {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    await expectError(malformed, 400, "INVALID_INPUT");
    await expectError(await t.api("/sandboxes/x/exec", { method: "POST", json: { command: [] } }), 400, "INVALID_INPUT");
    await expectError(
      await t.api("/sandboxes/x/exec", { method: "POST", json: { command: ["ls"], cwd: "tmp" } }),
      400,
      "INVALID_INPUT",
    );
    await expectError(
      await t.api("/sandboxes/x/exec", { method: "POST", json: { command: ["ls"], env: { "A=B": "1" } } }),
      400,
      "INVALID_INPUT",
    );
    await expectError(await t.api("/sandboxes?label=novalue"), 400, "INVALID_INPUT");
  });

  it("415 for a body in a media type the route does not take", async () => {
    const res = await t.api("/sandboxes", { method: "POST", body: "name=x", headers: { "content-type": "text/plain" } });
    await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("502 when the backend's exec stream breaks mid-way", async () => {
    await t.api("/sandboxes", { method: "POST", json: { name: "cut" } });
    nomad.inject({ type: "exec", execCutAfterBytes: 64, execEnding: "drop" });
    try {
      const res = await t.api("/sandboxes/cut/exec", {
        method: "POST",
        json: { command: ["sh", "-c", "head -c 100000 /dev/zero; sleep 1"] },
      });
      await expectError(res, 502, "STREAM_INTERRUPTED");
    } finally {
      nomad.inject({ type: "clear" });
    }
    await t.api("/sandboxes/cut", { method: "DELETE" });
  });

  it("404 for unknown routes and sandboxes", async () => {
    await expectError(await t.api("/nope"), 404, "NOT_FOUND");
    await expectError(await t.api("/sandboxes/ghost/exec", { method: "POST", json: { command: ["true"] } }), 404, "NOT_FOUND");
  });

  it("413 for a JSON body over the limit", async () => {
    const res = await t.api("/sandboxes", { method: "POST", json: { name: "big", env: { A: "x".repeat(100 * 1024) } } });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("422 when no node can place it (explained), and nothing is left behind", async () => {
    const res = await t.api("/sandboxes", { method: "POST", json: { name: "huge", memory_mb: 500_000 } });
    expect(await expectError(res, 422, "PLACEMENT_FAILED")).toMatch(/memory/);
    await expectError(await t.api("/sandboxes/huge"), 404, "NOT_FOUND");
  });

  it("504 when a command outlives timeout_ms", async () => {
    await t.api("/sandboxes", { method: "POST", json: { name: "slow" } });
    const res = await t.api("/sandboxes/slow/exec", { method: "POST", json: { command: ["sleep", "30"], timeout_ms: 300 } });
    await expectError(res, 504, "TIMEOUT");
    await t.api("/sandboxes/slow", { method: "DELETE" });
  });

  it("429 when every exec slot is busy and the queue is full", async () => {
    await t.api("/sandboxes", { method: "POST", json: { name: "busy" } });
    const wait = ["sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.05; done; echo released"];
    const first = t.api("/sandboxes/busy/exec", { method: "POST", json: { command: wait } });
    const second = t.api("/sandboxes/busy/exec", { method: "POST", json: { command: wait } });
    // Both slots are taken once the gauge says so; the third request then finds no slot and no queue.
    for (let i = 0; i < 400; i++) {
      const text = await (await t.api("/metrics")).text();
      if (/^agentkernel_execs_in_flight 2$/m.test(text)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await expectError(
      await t.api("/sandboxes/busy/exec", { method: "POST", json: { command: ["true"] } }),
      429,
      "TOO_MANY_REQUESTS",
    );
    expect((await t.api("/sandboxes/busy/files/tmp/go", { method: "PUT", json: { content: "" } })).status).toBe(200);
    for (const res of await Promise.all([first, second])) expect((await json(res)).data.stdout).toBe("released\n");
    await t.api("/sandboxes/busy", { method: "DELETE" });
  });

  it("503 when the backend is unreachable (and /ready says so)", async () => {
    const down = createNomadBackend({
      config: { address: "http://127.0.0.1:9", retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      env: {},
    });
    cleanups.push(async () => down.close?.());
    const s = await serverWith(down);
    await expectError(await s.api("/sandboxes"), 503, "BACKEND_UNAVAILABLE");
    await expectError(await s.api("/ready"), 503, "BACKEND_UNAVAILABLE");
    expect((await s.api("/health")).status).toBe(200);
    expect(await json(await t.api("/ready"))).toEqual({ success: true, data: { backend: "nomad", pool: "none" } });
  });

  it("500 only for bugs, without leaking the bug's message; 501 for a missing capability", async () => {
    const broken = new Proxy(backend, {
      get(target, prop, receiver) {
        if (prop === "list") return async () => Promise.reject(new TypeError("internal detail /etc/shadow"));
        if (prop === "capabilities") return { ...target.capabilities, logs: false };
        if (prop === "logs") return undefined;
        return Reflect.get(target, prop, receiver);
      },
    });
    const s = await serverWith(broken);
    const message = await expectError(await s.api("/sandboxes"), 500, "INTERNAL");
    expect(message).not.toContain("shadow");
    expect(s.logs.text).toContain("internal detail");
    await expectError(await s.api("/sandboxes/any/logs"), 501, "CAPABILITY_UNSUPPORTED");
  });
});
