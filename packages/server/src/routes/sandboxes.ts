/** Sandbox lifecycle: GET/POST /sandboxes, GET/DELETE /sandboxes/{name}, POST /sandboxes/{name}/start|stop. */
import { InvalidInputError, validateSandboxName } from "@agentkernel/core";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { withDeadline } from "../limits.js";
import { envelope, errorResponses, NameParams, SandboxSchema, sandboxView } from "../schemas/common.js";
import { CreateSandboxBody, toSandboxSpec } from "../schemas/sandbox.js";
import type { AppEnv, ServerDeps } from "../server-context.js";

const ListQuery = z.object({
  label: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ param: { name: "label", in: "query" }, description: "K=V; repeat to require several", example: "team=ml" }),
});

const one = { content: { "application/json": { schema: envelope(SandboxSchema) } } };

const list = createRoute({
  method: "get",
  path: "/sandboxes",
  summary: "List sandboxes (read from the backend every time)",
  request: { query: ListQuery },
  responses: {
    200: { description: "sandboxes", content: { "application/json": { schema: envelope(z.array(SandboxSchema)) } } },
    ...errorResponses(),
  },
});

const create = createRoute({
  method: "post",
  path: "/sandboxes",
  summary: "Create a sandbox (and start it unless start=false)",
  request: { body: { required: true, content: { "application/json": { schema: CreateSandboxBody } } } },
  responses: { 201: { description: "created", ...one }, ...errorResponses(409, 422, 504) },
});

const get = createRoute({
  method: "get",
  path: "/sandboxes/{name}",
  summary: "A sandbox's current state",
  request: { params: NameParams },
  responses: { 200: { description: "the sandbox", ...one }, ...errorResponses(404) },
});

const remove = createRoute({
  method: "delete",
  path: "/sandboxes/{name}",
  summary: "Remove a sandbox and everything in it (idempotent)",
  request: { params: NameParams },
  responses: {
    200: { description: "removed", content: { "application/json": { schema: envelope(z.object({ name: z.string() })) } } },
    ...errorResponses(),
  },
});

const start = createRoute({
  method: "post",
  path: "/sandboxes/{name}/start",
  summary: "Start a stopped sandbox",
  request: { params: NameParams },
  responses: { 200: { description: "running", ...one }, ...errorResponses(404, 422, 504) },
});

const stop = createRoute({
  method: "post",
  path: "/sandboxes/{name}/stop",
  summary: "Stop a sandbox, keeping its definition",
  request: { params: NameParams },
  responses: { 200: { description: "stopped", ...one }, ...errorResponses(404) },
});

function parseLabels(raw: string | string[] | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of Array.isArray(raw) ? raw : [raw]) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`label: ${JSON.stringify(pair.slice(0, 80))} is not K=V (e.g. label=team=ml)`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Registers the lifecycle routes. */
export function registerSandboxRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  const { backend, limits } = deps;
  const deadline = <T>(c: { get(k: "signal"): AbortSignal }, what: string, fn: (s: AbortSignal) => Promise<T>) =>
    withDeadline(c.get("signal"), limits.requestTimeoutMs, what, fn);

  app.openapi(list, async (c) => {
    const labels = parseLabels(c.req.valid("query").label);
    const items = await deadline(c, "list", (signal) => backend.list({ signal, ...(labels ? { labels } : {}) }));
    return c.json({ success: true as const, data: items.map(sandboxView) }, 200);
  });

  app.openapi(create, async (c) => {
    const { start: startNow, ...body } = c.req.valid("json");
    const spec = toSandboxSpec(body);
    const info = await deadline(c, `create ${spec.name}`, async (signal) => {
      const created = await backend.create(spec, { signal });
      if (!startNow) return created;
      try {
        return await backend.start(spec.name, { signal });
      } catch (error) {
        // A sandbox that cannot start is removed, so a retry with the same name works.
        await backend.remove(spec.name, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
        throw error;
      }
    });
    return c.json({ success: true as const, data: sandboxView(info) }, 201);
  });

  app.openapi(get, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    const info = await deadline(c, `get ${name}`, (signal) => backend.get(name, { signal }));
    return c.json({ success: true as const, data: sandboxView(info) }, 200);
  });

  app.openapi(remove, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    await deadline(c, `remove ${name}`, (signal) => backend.remove(name, { signal }));
    return c.json({ success: true as const, data: { name } }, 200);
  });

  app.openapi(start, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    const info = await deadline(c, `start ${name}`, (signal) => backend.start(name, { signal }));
    return c.json({ success: true as const, data: sandboxView(info) }, 200);
  });

  app.openapi(stop, async (c) => {
    const name = validateSandboxName(c.req.valid("param").name);
    const info = await deadline(c, `stop ${name}`, async (signal) => {
      await backend.stop(name, { signal });
      return backend.get(name, { signal });
    });
    return c.json({ success: true as const, data: sandboxView(info) }, 200);
  });
}
