/** POST /run (ephemeral, JSON result) and POST /run/stream (the same, as Server-Sent Events sent as they happen). */
import { AgentkernelError } from "@agentkernel/core";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { execResultView } from "../exec-service.js";
import { withDeadline } from "../limits.js";
import { runEphemeral } from "../run-service.js";
import { envelope, errorResponses } from "../schemas/common.js";
import { RunBody, RunResultSchema } from "../schemas/run.js";
import type { AppEnv, ServerDeps } from "../server-context.js";
import { sseResponse } from "../sse.js";

const run = createRoute({
  method: "post",
  path: "/run",
  summary: "Run a command in a temporary sandbox (warm pool when it matches), removed afterwards",
  request: { body: { required: true, content: { "application/json": { schema: RunBody } } } },
  responses: {
    200: { description: "the command ran", content: { "application/json": { schema: envelope(RunResultSchema) } } },
    ...errorResponses(422, 429, 502, 504),
  },
});

const runStream = createRoute({
  method: "post",
  path: "/run/stream",
  summary: "Like /run, as Server-Sent Events",
  description: [
    "Events, in order: `started` {sandbox}; `progress` {stage} for claiming|creating|placing|pulling|starting|executing;",
    "`output` {stream: stdout|stderr, content} as the command writes; then `done` {exit_code} with the command's real exit code,",
    "or `error` {code, message}. Request errors found before the stream starts are ordinary JSON errors.",
  ].join(" "),
  request: { body: { required: true, content: { "application/json": { schema: RunBody } } } },
  responses: {
    200: { description: "event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(429),
  },
});

/** Registers /run and /run/stream. */
export function registerRunRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(run, async (c) => {
    const body = c.req.valid("json");
    const outcome = await withDeadline(c.get("signal"), deps.limits.requestTimeoutMs, "run", (signal) =>
      runEphemeral(deps, body, {}, signal),
    );
    const view = execResultView(outcome, body.output_encoding);
    return c.json({ success: true as const, data: { ...view, sandbox: outcome.sandbox, warm: outcome.warm } }, 200);
  });

  app.openapi(runStream, (c) => {
    const body = c.req.valid("json");
    return sseResponse(c, async ({ send, signal }) => {
      try {
        const hooks = {
          onStarted: (sandbox: string) => send("started", { sandbox }),
          onProgress: (stage: string, message?: string) => send("progress", { stage, ...(message ? { message } : {}) }),
          onOutput: (stream: "stdout" | "stderr", chunk: Buffer) =>
            send("output", { stream, content: chunk.toString(body.output_encoding) }),
        };
        const outcome = await withDeadline(signal, deps.limits.requestTimeoutMs, "run", (s) =>
          runEphemeral(deps, body, hooks, s),
        );
        await send("done", { exit_code: outcome.exitCode, sandbox: outcome.sandbox, warm: outcome.warm });
      } catch (error) {
        if (signal.aborted && !deps.shutdown.aborted) return; // the client left; nobody to tell
        const e = AgentkernelError.isInstance(error)
          ? error.toJSON()
          : { code: "INTERNAL", message: `internal error; the server log has details under request id ${c.get("requestId")}` };
        if (!AgentkernelError.isInstance(error)) c.get("log").error({ err: error }, "run stream failed");
        await send("error", e);
      }
    });
  });
}
