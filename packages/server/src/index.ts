/** @agentkernel/server: the HTTP API (hono) — startServer, the app builder, auth, error table, logger and metrics. */
export { type AppOptions, createApp } from "./app.js";
export { apiKeyAuth, apiKeyFromEnv, keysMatch, PUBLIC_PATHS, presentedKey, readApiKeyFile } from "./auth.js";
export {
  type ApiErrorCode,
  type ErrorBody,
  HttpEdgeError,
  type HttpEdgeCode,
  STATUS_BY_CODE,
  toErrorResponse,
} from "./error-handler.js";
export { DEFAULT_LIMITS, type Limits, resolveLimits, Semaphore, type ServerLimits } from "./limits.js";
export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS, scrubSecrets } from "./logger.js";
export { isLoopback, type RunningServer, type StartServerOptions, startServer } from "./main.js";
export { createMetrics, instrumentBackend, type ServerMetrics } from "./metrics.js";
export type { ServerPool } from "./pool-port.js";
export type { AppEnv, RequestVars, ServerDeps } from "./server-context.js";
export { apiKeyFromConfig, poolFromConfig, type ServeFromConfigOptions, startServerFromConfig } from "./serve-config.js";
