/** What every route needs: the backend, the optional pool, limits, logger and metrics, shared through hono's context. */
import type { Backend } from "@agentkernel/core";
import type { HttpBindings } from "@hono/node-server";
import type { Logger } from "./logger.js";
import type { Limits } from "./limits.js";
import type { ServerMetrics } from "./metrics.js";
import type { ServerPool } from "./pool-port.js";
import type { ShutdownScope } from "./shutdown.js";

/** The dependencies the app is built from (no sockets: `startServer` owns those). */
export interface ServerDeps {
  backend: Backend;
  pool?: ServerPool | undefined;
  logger: Logger;
  metrics: ServerMetrics;
  limits: Limits;
  /** Aborts in-flight work when shutdown outlives its grace period: every request and socket links to it. */
  shutdown: ShutdownScope;
}

/** Per-request values set by middleware. */
export interface RequestVars {
  requestId: string;
  log: Logger;
  /** Ends when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

/** hono's Env for this app (Node bindings: the response's `close` tells when a stream really ended). */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: RequestVars;
}
