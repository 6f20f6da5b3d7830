/** GET /sandboxes/{name}/logs: the main process's output as JSON, or followed live as Server-Sent Events. */
import { AgentkernelError, CapabilityUnsupportedError, validateSandboxName } from "@agentkernel/core";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { withDeadline } from "../limits.js";
import { envelope, errorResponses, NameParams } from "../schemas/common.js";
import type { AppEnv, ServerDeps } from "../server-context.js";
import { sseResponse } from "../sse.js";

const LogsQuery = z.object({
  follow: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .openapi({ param: { name: "follow", in: "query" }, description: "stream as SSE (`log` events, then `end` or `error`)" }),
});

const LogsSchema = z.object({ stdout: z.string(), stderr: z.string(), truncated: z.boolean().optional() }).openapi("Logs");

const logs = createRoute({
  method: "get",
  path: "/sandboxes/{name}/logs",
  summary: "Logs of the sandbox's main process; follow=true streams them as SSE",
  request: { params: NameParams, query: LogsQuery },
  responses: {
    200: {
      description: "the logs so far, or (follow) an event stream: `log` {stream, content}, `end` {}, `error` {code, message}",
      content: { "application/json": { schema: envelope(LogsSchema) }, "text/event-stream": { schema: z.string() } },
    },
    ...errorResponses(404, 501),
  },
});

/** Registers the logs route. */
export function registerLogRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  const { backend, limits } = deps;
  app.openapi(logs, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    const follow = ["true", "1"].includes(c.req.valid("query").follow ?? "false");
    const read = backend.logs?.bind(backend);
    if (!read || !backend.capabilities.logs) {
      throw new CapabilityUnsupportedError("sandbox logs", { backend: backend.backendId });
    }
    if (follow) {
      if (!backend.capabilities.logsFollow) {
        throw new CapabilityUnsupportedError("following logs; omit follow", { backend: backend.backendId });
      }
      // Fail before the 200 when the sandbox is missing, so the status code says so.
      await backend.get(name, { signal: c.get("signal") });
      return sseResponse(c, async ({ send, signal }) => {
        try {
          for await (const chunk of read(name, { follow: true, signal })) {
            await send("log", { stream: chunk.stream, content: Buffer.from(chunk.data).toString("utf8") });
          }
          await send("end", {});
        } catch (error) {
          if (signal.aborted) return;
          const e = AgentkernelError.isInstance(error) ? error.toJSON() : { code: "INTERNAL", message: "log stream failed" };
          await send("error", e);
        }
      });
    }
    const collected = await withDeadline(c.get("signal"), limits.requestTimeoutMs, `logs of ${name}`, async (signal) => {
      const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], size: 0, truncated: false };
      for await (const chunk of read(name, { signal })) {
        if (out.size + chunk.data.length > limits.maxOutputBytes) {
          out.truncated = true;
          continue;
        }
        out[chunk.stream].push(Buffer.from(chunk.data));
        out.size += chunk.data.length;
      }
      return out;
    });
    return c.json(
      {
        success: true as const,
        data: {
          stdout: Buffer.concat(collected.stdout).toString("utf8"),
          stderr: Buffer.concat(collected.stderr).toString("utf8"),
          ...(collected.truncated ? { truncated: true } : {}),
        },
      },
      200,
    );
  });
}
