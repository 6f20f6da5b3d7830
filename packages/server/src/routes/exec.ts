/** POST /sandboxes/{name}/exec: run argv in a running sandbox, answer `{ exit_code, stdout, stderr, output }`. */
import { validateSandboxName } from "@agentkernel/core";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { execCollect } from "../exec-service.js";
import { withDeadline } from "../limits.js";
import { envelope, errorResponses, NameParams } from "../schemas/common.js";
import { ExecBody, ExecResultSchema } from "../schemas/exec.js";
import type { AppEnv, ServerDeps } from "../server-context.js";

const exec = createRoute({
  method: "post",
  path: "/sandboxes/{name}/exec",
  summary: "Run a command (argv) in a running sandbox and return its exit code and output",
  description:
    "A non-zero exit code is a 200 with that exit_code; errors are for commands that could not run or ended by timeout (504).",
  request: { params: NameParams, body: { required: true, content: { "application/json": { schema: ExecBody } } } },
  responses: {
    200: { description: "the command ran", content: { "application/json": { schema: envelope(ExecResultSchema) } } },
    ...errorResponses(404, 409, 429, 502, 504),
  },
});

/** Registers the exec route. */
export function registerExecRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.openapi(exec, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    const body = c.req.valid("json");
    const result = await withDeadline(c.get("signal"), deps.limits.requestTimeoutMs, `exec in ${name}`, (signal) =>
      execCollect(deps.backend, name, body, deps.limits, deps.metrics, signal),
    );
    return c.json({ success: true as const, data: result }, 200);
  });
}
