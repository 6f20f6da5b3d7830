/** Builds the hono app (no listening): request IDs and logs, metrics, body limits, auth, every route, one error handler. */
import { NotFoundError } from "@agentkernel/core";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { routePath } from "hono/route";
import { apiKeyAuth } from "./auth.js";
import { errorResponse, HttpEdgeError } from "./error-handler.js";
import { requestIdFrom } from "./logger.js";
import { registerBatchRoutes } from "./routes/batch.js";
import { registerExecRoutes } from "./routes/exec.js";
import { registerExecWsRoute } from "./exec-ws.js";
import { registerFileRoutes } from "./routes/files.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerLogRoutes } from "./routes/logs.js";
import { registerMetaRoutes } from "./routes/meta.js";
import { registerPoolRoutes } from "./routes/pool.js";
import { registerRunRoutes } from "./routes/run.js";
import { registerSandboxRoutes } from "./routes/sandboxes.js";
import { invalidRequest } from "./schemas/common.js";
import type { AppEnv, ServerDeps } from "./server-context.js";

const QUIET_ROUTES: ReadonlySet<string> = new Set(["/health", "/ready", "/metrics"]);

/** Options of createApp besides the dependencies. */
export interface AppOptions {
  /** Required key; undefined = no auth (startServer decides when that is allowed). */
  apiKey?: string | undefined;
}

/** Builds the app. `startServer` listens; tests may also call `app.request()` directly. */
export function createApp(deps: ServerDeps, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Schema failures become INVALID_INPUT (400) naming each field, like every other validation.
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error.issues);
    },
  });

  app.use("*", async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    const log = deps.logger.child({ reqId: requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    // One link per request, released when the response (a stream included) is really over.
    const link = deps.shutdown.link();
    const requestSignal = c.req.raw.signal;
    const onHangup = () => link.abort(requestSignal.reason);
    if (requestSignal.aborted) onHangup();
    else requestSignal.addEventListener("abort", onHangup, { once: true });
    const outgoing = c.env?.outgoing;
    if (outgoing) outgoing.once("close", link.release);
    c.set("signal", link.signal);
    c.header("X-Request-Id", requestId);
    try {
      await next();
    } finally {
      if (!outgoing) link.release();
    }
    const matched = routePath(c, -1);
    const route = matched === "*" ? "unmatched" : matched;
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpRequests.inc(labels);
    deps.metrics.httpDuration.observe(labels, seconds);
    const line = { method: c.req.method, path: c.req.path, route, status: c.res.status, ms: Math.round(seconds * 1000) };
    // Probes and scrapes arrive every few seconds from every orchestrator; they would drown the useful lines.
    if (QUIET_ROUTES.has(route) && c.res.status < 400) log.debug(line, "request");
    else log.info(line, "request");
  });

  // JSON bodies are bounded here; raw uploads are counted while they stream (routes/files.ts).
  const jsonLimit = bodyLimit({
    maxSize: deps.limits.maxJsonBodyBytes,
    onError: () => {
      throw new HttpEdgeError("PAYLOAD_TOO_LARGE", `request body is larger than ${deps.limits.maxJsonBodyBytes} bytes`);
    },
  });
  app.use("*", async (c, next) => {
    if ((c.req.header("content-type") ?? "").startsWith("application/octet-stream")) return next();
    return jsonLimit(c, next);
  });

  if (options.apiKey !== undefined) app.use("*", apiKeyAuth(options.apiKey));

  registerHealthRoutes(app, deps);
  registerSandboxRoutes(app, deps);
  registerExecRoutes(app, deps);
  registerExecWsRoute(app, deps);
  registerFileRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerBatchRoutes(app, deps);
  registerPoolRoutes(app, deps);
  registerMetaRoutes(app, deps, { auth: options.apiKey !== undefined });

  app.notFound((c) =>
    errorResponse(c, new NotFoundError(`no route ${c.req.method} ${c.req.path}; GET /openapi.json lists them`)),
  );
  app.onError((error, c) => errorResponse(c, error));
  return app;
}
