/** The one table from error codes to HTTP statuses, and the handler that turns any thrown value into the error body. */
import { AgentkernelError, type ErrorCode } from "@agentkernel/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "./logger.js";
import type { AppEnv } from "./server-context.js";

/** Codes the HTTP edge adds for conditions that only exist here (body too large, queue full, wrong media type). */
export type HttpEdgeCode = "PAYLOAD_TOO_LARGE" | "TOO_MANY_REQUESTS" | "UNSUPPORTED_MEDIA_TYPE";

/** Every code a response body can carry. */
export type ApiErrorCode = ErrorCode | HttpEdgeCode;

/**
 * THE status table. Every core code is here (a test asserts completeness); 500 is reserved for bugs (INTERNAL and
 * anything that is not an AgentkernelError).
 */
export const STATUS_BY_CODE: Readonly<Record<ApiErrorCode, ContentfulStatusCode>> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  // The sandbox exists but is stopped/failed: a state conflict the caller fixes by starting it.
  NOT_RUNNING: 409,
  PLACEMENT_FAILED: 422,
  BACKEND_UNAVAILABLE: 503,
  // The server aborted the work (shutdown deadline); a client that hung up never sees this status.
  ABORTED: 503,
  TIMEOUT: 504,
  // The backend's stream (exec, logs) broke mid-way: an upstream failure, so 502 like a proxy would say.
  STREAM_INTERRUPTED: 502,
  CAPABILITY_UNSUPPORTED: 501,
  INTERNAL: 500,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** The body of every error response. */
export interface ErrorBody {
  success: false;
  error: { code: ApiErrorCode; message: string };
}

/** An error raised by the HTTP edge itself, with one of the edge codes. */
export class HttpEdgeError extends HTTPException {
  readonly code: HttpEdgeCode;
  constructor(code: HttpEdgeCode, message: string) {
    super(STATUS_BY_CODE[code], { message });
    this.code = code;
  }
}

const EDGE_CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: "INVALID_INPUT",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
};

/** What a thrown value becomes on the wire; `bug` marks the ones worth an error-level log with the stack. */
export function toErrorResponse(
  error: unknown,
  requestId: string,
): { status: ContentfulStatusCode; body: ErrorBody; bug: boolean } {
  if (AgentkernelError.isInstance(error)) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    return { status, body: { success: false, error: error.toJSON() }, bug: error.code === "INTERNAL" };
  }
  if (error instanceof HttpEdgeError) {
    return {
      status: STATUS_BY_CODE[error.code],
      body: { success: false, error: { code: error.code, message: error.message } },
      bug: false,
    };
  }
  if (error instanceof HTTPException) {
    const code = EDGE_CODE_BY_STATUS[error.status] ?? "INVALID_INPUT";
    const message = error.message || `request rejected with HTTP ${error.status}`;
    return { status: STATUS_BY_CODE[code], body: { success: false, error: { code, message } }, bug: false };
  }
  // Anything else is a bug: never echo its message (it may hold internals); point at the log line instead.
  return {
    status: 500,
    body: {
      success: false,
      error: { code: "INTERNAL", message: `internal server error; the server log has details under request id ${requestId}` },
    },
    bug: true,
  };
}

/** Writes an error response for `error` on `c`. */
export function errorResponse(c: Context<AppEnv>, error: unknown): Response {
  // Both are set by the first middleware; the fallbacks cover an error raised before it ran.
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  const { status, body, bug } = toErrorResponse(error, requestId);
  const log = c.get("log") as Logger | undefined;
  if (bug) log?.error({ err: error }, "request failed with an internal error");
  else log?.info({ code: body.error.code, status }, "request failed");
  if (status === 429) c.header("Retry-After", "1");
  return c.json(body, status);
}
