/** What every route needs: the backend, the optional pool, limits, logger and metrics, shared through hono's context. */
import type { Backend } from "@agentkernel/core";
import type { Logger } from "./logger.js";
import type { Limits, ServerLimits } from "./limits.js";
import type { ServerMetrics } from "./metrics.js";
import type { ServerPool } from "./pool-port.js";

/** The dependencies the app is built from (no sockets: `startServer` owns those). */
export interface ServerDeps {
  backend: Backend;
  pool?: ServerPool | undefined;
  logger: Logger;
  metrics: ServerMetrics;
  limits: Limits;
  /** Aborted when the server shuts down past its grace period: every backend call listens to it. */
  shutdownSignal: AbortSignal;
}

/** Per-request values set by middleware. */
export interface RequestVars {
  requestId: string;
  log: Logger;
  /** Ends when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

/** hono's Env for this app. */
export interface AppEnv {
  Variables: RequestVars;
}

export type { ServerLimits };
