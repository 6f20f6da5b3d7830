// Maps the exec WebSocket's close frames (1008 policy, 1011 internal) to core errors that keep Nomad's reason.
import {
  type AgentkernelError,
  BackendUnavailableError,
  InvalidInputError,
  NotFoundError,
  NotRunningError,
  PermissionDeniedError,
  StreamInterruptedError,
  UnauthorizedError,
} from "@agentkernel/core";

/** The close Nomad sent: code and reason text (REFERENCE.md §5 error table). */
export class NomadExecCloseError extends Error {
  readonly closeCode: number;
  readonly reason: string;
  constructor(closeCode: number, reason: string) {
    super(`Nomad closed the exec WebSocket with ${closeCode}${reason ? `: ${reason}` : ""}`);
    this.name = "NomadExecCloseError";
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** Translates a close that came before the `exited` frame. `where` names the allocation and task. */
export function execCloseToCoreError(closeCode: number, reason: string, where: string): AgentkernelError {
  const cause = new NomadExecCloseError(closeCode, reason);
  const opts = { backend: "nomad", cause };
  const said = reason ? ` (Nomad said: ${reason})` : "";
  if (closeCode === 1008 || closeCode === 1011) {
    if (/Permission denied/i.test(reason)) {
      return new PermissionDeniedError(
        `exec in ${where}: the Nomad token lacks "alloc-exec" (raw_exec tasks also need "alloc-node-exec")${said}; add it to the token's ACL policy`,
        opts,
      );
    }
    if (/ACL token|auth token|token (not found|expired)/i.test(reason)) {
      return new UnauthorizedError(
        `exec in ${where}: Nomad did not accept the token${said}; set NOMAD_TOKEN to a valid token`,
        opts,
      );
    }
    if (/^Unknown allocation|allocation .*not found/i.test(reason)) {
      return new NotFoundError(`exec in ${where}: the allocation does not exist${said}; look up the current allocation`, opts);
    }
    if (/unknown task name/i.test(reason)) {
      return new NotFoundError(`exec in ${where}: no such task in the allocation${said}`, opts);
    }
    if (/not started yet|is not running|exec not possible/i.test(reason)) {
      return new NotRunningError(`exec in ${where}: the task is not running${said}; start the sandbox first`, opts);
    }
    if (
      /must provide task name|command is not present|failed to marshal command|handshake|failed to start command/i.test(reason)
    ) {
      return new InvalidInputError(`exec in ${where}: Nomad rejected the command${said}`, opts);
    }
    return new BackendUnavailableError(`exec in ${where}: Nomad ended the session with ${closeCode}${said}`, opts);
  }
  return new StreamInterruptedError(
    `exec in ${where}: the WebSocket closed (code ${closeCode}) before the exit code arrived${said}; the command's outcome is unknown`,
    opts,
  );
}
