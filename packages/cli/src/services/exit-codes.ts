/** The one table from core error codes to CLI exit codes; nothing else in the CLI decides an exit code for an error. */
import { AgentkernelError, type ErrorCode } from "@agentkernel/core";

/** Exit code classes, documented in the README. A remote command's own exit code passes through unchanged. */
export const EXIT = {
  ok: 0,
  /** `doctor` found a failing check. */
  checkFailed: 1,
  usage: 2,
  notFound: 3,
  placementFailed: 4,
  unauthorized: 5,
  backendUnavailable: 6,
  timeout: 7,
  conflict: 8,
  internal: 70,
  /** 128 + SIGINT, as a shell reports a command ended by Ctrl-C. */
  interrupted: 130,
  /** 128 + SIGPIPE: stdout was closed by its reader (`| head`), the remote command was ended. */
  outputClosed: 141,
} as const;

/** Every core error code → exit code. A test asserts it covers ERROR_CODES. */
export const EXIT_CODE_BY_ERROR: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: EXIT.usage,
  CAPABILITY_UNSUPPORTED: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  PLACEMENT_FAILED: EXIT.placementFailed,
  UNAUTHORIZED: EXIT.unauthorized,
  PERMISSION_DENIED: EXIT.unauthorized,
  BACKEND_UNAVAILABLE: EXIT.backendUnavailable,
  STREAM_INTERRUPTED: EXIT.backendUnavailable,
  TIMEOUT: EXIT.timeout,
  ALREADY_EXISTS: EXIT.conflict,
  CONFLICT: EXIT.conflict,
  NOT_RUNNING: EXIT.conflict,
  ABORTED: EXIT.interrupted,
  INTERNAL: EXIT.internal,
};

/** oclif's own errors (unknown flag, missing argument) carry `oclif.exit`; they are usage errors. */
function isOclifUsageError(error: unknown): boolean {
  const exit = (error as { oclif?: { exit?: unknown } } | null)?.oclif?.exit;
  return typeof exit === "number" && exit !== 0;
}

/** The code shown in `[CODE]` and in `--json`: the core code, INVALID_INPUT for oclif parse errors, else INTERNAL. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (AgentkernelError.isInstance(error)) return error.code;
  if (isOclifUsageError(error)) return "INVALID_INPUT";
  return "INTERNAL";
}

/** The exit code for an error. */
export function exitCodeFor(error: unknown): number {
  return EXIT_CODE_BY_ERROR[errorCodeOf(error)];
}
