/** GET /health (liveness, no auth) and GET /ready (the backend answers and pool upkeep runs). */
import { AgentkernelError, BackendUnavailableError } from "@agentkernel/core";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { envelope, errorResponses } from "../schemas/common.js";
import type { AppEnv, ServerDeps } from "../server-context.js";
import { anySignal } from "../shutdown.js";

const READY_TIMEOUT_MS = 5_000;
// A label no sandbox carries: the backend does a real, cheap query (Nomad filters server-side) that returns nothing.
const PROBE_LABELS = { "agentkernel-ready-probe": "1" };

const health = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness (no auth)",
  responses: {
    200: {
      description: "the process serves HTTP",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

const ReadySchema = z.object({ backend: z.string(), pool: z.enum(["running", "stopped", "none"]) });

const ready = createRoute({
  method: "get",
  path: "/ready",
  summary: "Readiness: the backend (Nomad) answers and pool upkeep runs",
  responses: {
    200: { description: "ready", content: { "application/json": { schema: envelope(ReadySchema) } } },
    ...errorResponses(),
  },
});

/** Registers /health and /ready. */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(ready, async (c) => {
    const probe = anySignal([c.get("signal"), AbortSignal.timeout(READY_TIMEOUT_MS)]);
    try {
      await deps.backend.list({
        labels: PROBE_LABELS,
        signal: probe.signal,
      });
    } catch (error) {
      const reason = AgentkernelError.isInstance(error) ? error.message : "no answer";
      throw new BackendUnavailableError(`backend ${deps.backend.backendId} is not ready: ${reason}`, { cause: error });
    } finally {
      probe.dispose();
    }
    const upkeep = deps.pool?.stats().upkeep;
    const pool = !deps.pool ? "none" : deps.shutdown.aborted || upkeep?.backingOff ? "stopped" : "running";
    if (pool === "stopped") {
      throw new BackendUnavailableError(`warm pool upkeep is not running: ${upkeep?.lastError ?? "the server is shutting down"}`);
    }
    return c.json({ success: true as const, data: { backend: deps.backend.backendId, pool } }, 200);
  });
}
