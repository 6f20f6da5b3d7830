/** The one base class of every error agentkernel throws: a stable machine `code`, a message that says what to do, and a `cause`. */

const marker = Symbol.for("agentkernel.error");

/** Stable error codes. Edges (CLI exit codes, HTTP statuses) map these; never match on message text. */
export type ErrorCode =
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "INVALID_INPUT"
  | "BACKEND_UNAVAILABLE"
  | "UNAUTHORIZED"
  | "PERMISSION_DENIED"
  | "PLACEMENT_FAILED"
  | "TIMEOUT"
  | "ABORTED"
  | "CAPABILITY_UNSUPPORTED"
  | "CONFLICT"
  | "NOT_RUNNING"
  | "STREAM_INTERRUPTED"
  | "INTERNAL";

/** Every code, for tables that must cover them all (tests assert completeness). */
export const ERROR_CODES: readonly ErrorCode[] = [
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "INVALID_INPUT",
  "BACKEND_UNAVAILABLE",
  "UNAUTHORIZED",
  "PERMISSION_DENIED",
  "PLACEMENT_FAILED",
  "TIMEOUT",
  "ABORTED",
  "CAPABILITY_UNSUPPORTED",
  "CONFLICT",
  "NOT_RUNNING",
  "STREAM_INTERRUPTED",
  "INTERNAL",
];

export interface AgentkernelErrorOptions {
  cause?: unknown;
  /** Backend that raised it ("nomad", "local"); prefixed to the message as `[nomad] …`. */
  backend?: string;
}

/**
 * Base error. Subclasses fix `code`. `isInstance` works across realms and duplicated
 * package copies (it checks a global symbol, not the prototype chain).
 */
export class AgentkernelError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly backend: string | undefined;

  constructor(code: ErrorCode, message: string, options: AgentkernelErrorOptions = {}) {
    super(options.backend ? `[${options.backend}] ${message}` : message, { cause: options.cause });
    this.name = "AgentkernelError";
    this.code = code;
    this.backend = options.backend;
  }

  /** True for any agentkernel error, from any copy of this package. */
  static isInstance(error: unknown): error is AgentkernelError {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as Record<symbol, unknown>)[marker] === true &&
      typeof (error as { code?: unknown }).code === "string"
    );
  }

  /** A plain object safe to serialise: code and message only (cause stays server-side). */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `error` is an agentkernel error with this code. */
export function hasErrorCode(error: unknown, code: ErrorCode): error is AgentkernelError {
  return AgentkernelError.isInstance(error) && error.code === code;
}
