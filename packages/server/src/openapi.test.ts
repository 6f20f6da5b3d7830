// /openapi.json covers every route of the API with its schemas; /metrics exposes the promised series.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, nomadBackend, type TestServer, testServer } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;
let t: TestServer;

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  t = await testServer({ backend, apiKey: "openapi-key-123456" });
});
afterAll(async () => {
  await t.server.close();
  await backend.close?.();
  await nomad.stop();
});

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  security?: unknown[];
}

describe("/openapi.json", () => {
  it("documents every route from the issue, generated from the zod schemas", async () => {
    const doc = (await (await t.api("/openapi.json")).json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        "GET /health",
        "GET /ready",
        "GET /sandboxes",
        "POST /sandboxes",
        "GET /sandboxes/{name}",
        "DELETE /sandboxes/{name}",
        "POST /sandboxes/{name}/start",
        "POST /sandboxes/{name}/stop",
        "POST /sandboxes/{name}/exec",
        "GET /sandboxes/{name}/exec/ws",
        "PUT /sandboxes/{name}/files/{path}",
        "GET /sandboxes/{name}/files/{path}",
        "DELETE /sandboxes/{name}/files/{path}",
        "GET /sandboxes/{name}/logs",
        "POST /run",
        "POST /run/stream",
        "POST /batch/run",
        "GET /pool",
        "GET /metrics",
      ].sort(),
    );
    for (const name of [
      "Error",
      "Sandbox",
      "CreateSandbox",
      "ExecRequest",
      "ExecResult",
      "RunRequest",
      "RunResult",
      "BatchRequest",
    ]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    expect(doc.paths["/sandboxes/{name}/exec"]?.post?.responses).toHaveProperty("504");
    expect(doc.paths["/sandboxes"]?.post?.responses).toHaveProperty("409");
    expect(doc.paths["/sandboxes/{name}/files/{path}"]?.put?.requestBody).toMatchObject({
      content: { "application/json": {}, "application/octet-stream": {} },
    });
    expect(Object.keys(doc.components.securitySchemes ?? {})).toEqual(["apiKey", "bearer"]);
  });
});

describe("/metrics", () => {
  it("exposes request, latency, sandbox and backend series in Prometheus text", async () => {
    await t.api("/sandboxes", { method: "POST", json: { name: "metered" } });
    await t.api("/sandboxes/ghost");
    const res = await t.api("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^agentkernel_http_requests_total\{method="POST",route="\/sandboxes",status="201"\} 1$/m);
    expect(text).toMatch(/^agentkernel_http_requests_total\{method="GET",route="\/sandboxes\/:name",status="404"\} 1$/m);
    expect(text).toMatch(
      /^agentkernel_http_request_duration_seconds_count\{method="POST",route="\/sandboxes",status="201"\} 1$/m,
    );
    expect(text).toMatch(/^agentkernel_sandboxes\{backend="nomad",status="running"\} 1$/m);
    expect(text).toMatch(/^agentkernel_backend_requests_total\{backend="nomad",operation="create"\} 1$/m);
    expect(text).toMatch(/^agentkernel_backend_errors_total\{backend="nomad",operation="get",code="NOT_FOUND"\} 1$/m);
    expect(text).toMatch(/^agentkernel_execs_in_flight 0$/m);
    await t.api("/sandboxes/metered", { method: "DELETE" });
  });
});
