/** GET /pool: warm pool figures (read from the backend by the pool), or `enabled: false` without a pool. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { envelope, errorResponses } from "../schemas/common.js";
import type { AppEnv, ServerDeps } from "../server-context.js";

const PoolSchema = z.object({ enabled: z.boolean(), stats: z.record(z.string(), z.unknown()).optional() }).openapi("PoolStats");

const pool = createRoute({
  method: "get",
  path: "/pool",
  summary: "Warm pool statistics",
  responses: {
    200: { description: "pool figures", content: { "application/json": { schema: envelope(PoolSchema) } } },
    ...errorResponses(),
  },
});

/** Registers /pool. */
export function registerPoolRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(pool, async (c) => {
    if (!deps.pool) return c.json({ success: true as const, data: { enabled: false } }, 200);
    const stats = deps.pool.stats();
    return c.json({ success: true as const, data: { enabled: true, stats } }, 200);
  });
}
