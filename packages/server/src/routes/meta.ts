/** GET /openapi.json (generated from the route schemas) and GET /metrics (Prometheus text). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, ServerDeps } from "../server-context.js";

/** Registers /openapi.json and /metrics. */
export function registerMetaRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps, options: { auth: boolean }): void {
  if (options.auth) {
    app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "apiKey", in: "header", name: "X-API-Key" });
    app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  }
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "agentkernel API",
      version: "1",
      description:
        "Run untrusted code in sandboxes. Successful JSON responses are {success: true, data}; errors are {success: false, error: {code, message}}. Every route but /health needs the API key (X-API-Key or Authorization: Bearer) when the server has one.",
    },
    ...(options.auth ? { security: [{ apiKey: [] }, { bearer: [] }] } : {}),
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics: HTTP requests/latency by route and status, sandboxes by status, pool, backend calls and errors",
    responses: { 200: { description: "Prometheus text exposition", content: { "text/plain": { schema: { type: "string" } } } } },
  });
  app.get("/metrics", async (c) => {
    const text = await deps.metrics.registry.metrics();
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(text, 200);
  });
}
