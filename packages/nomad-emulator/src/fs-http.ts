/** HTTP plumbing shared by the fs endpoints: Nomad's read headers and plain-text errors, via http-util. */
import type { ServerResponse } from "node:http";
import type { EmulatorContext } from "./emulator-context.js";
import { HttpError, sendText, setReadHeaders } from "./http-util.js";

/** X-Nomad-Index / KnownLeader / LastContact, which Nomad's Go client requires on every read (404s included). */
export function setFsReadHeaders(ctx: EmulatorContext, res: ServerResponse): void {
  setReadHeaders(res, ctx.readMeta?.() ?? { index: 1, knownLeader: true });
}

/**
 * Errors before the first byte are plain-text HTTP errors (bare message, no trailing newline); once streaming
 * has started, the connection just ends (REFERENCE §6). Errors without an HttpError status are 500.
 */
export function sendFsError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendText(res, err instanceof HttpError ? err.status : 500, err instanceof Error ? err.message : String(err));
}
