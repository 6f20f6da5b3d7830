/** POST /batch/run: many ephemeral runs in parallel with bounded concurrency; results in request order. */
import { InvalidInputError } from "@agentkernel/core";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { toErrorResponse } from "../error-handler.js";
import { execResultView } from "../exec-service.js";
import { withDeadline } from "../limits.js";
import { runEphemeral } from "../run-service.js";
import { envelope, errorResponses } from "../schemas/common.js";
import { BatchBody, BatchResultSchema } from "../schemas/run.js";
import type { AppEnv, ServerDeps } from "../server-context.js";

const batch = createRoute({
  method: "post",
  path: "/batch/run",
  summary: "Run many commands, each in its own temporary sandbox; one failure does not fail the others",
  request: { body: { required: true, content: { "application/json": { schema: BatchBody } } } },
  responses: {
    200: {
      description: "one result per run, in request order",
      content: { "application/json": { schema: envelope(BatchResultSchema) } },
    },
    ...errorResponses(413, 429),
  },
});

/** Runs `task(i)` for every index with at most `limit` at once; results keep index order. */
export async function mapBounded<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** Registers /batch/run. */
export function registerBatchRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(batch, async (c) => {
    const { runs, concurrency } = c.req.valid("json");
    if (runs.length > deps.limits.maxBatchSize) {
      throw new InvalidInputError(`runs: at most ${deps.limits.maxBatchSize} per batch on this server; split the batch`);
    }
    const limit = Math.min(concurrency ?? deps.limits.maxBatchConcurrency, deps.limits.maxBatchConcurrency);
    const requestId = c.get("requestId");
    const results = await withDeadline(c.get("signal"), deps.limits.requestTimeoutMs, "batch", (signal) =>
      mapBounded(runs.length, limit, async (i) => {
        const input = runs[i];
        if (!input) throw new InvalidInputError(`runs[${i}]: missing`);
        try {
          const outcome = await runEphemeral(deps, input, {}, signal);
          const data = { ...execResultView(outcome, input.output_encoding), sandbox: outcome.sandbox, warm: outcome.warm };
          return { success: true as const, data };
        } catch (error) {
          const { body, bug } = toErrorResponse(error, requestId);
          if (bug) c.get("log").error({ err: error, run: i }, "batch run failed with an internal error");
          return body;
        }
      }),
    );
    return c.json({ success: true as const, data: { results } }, 200);
  });
}
