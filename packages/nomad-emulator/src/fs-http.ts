/** HTTP plumbing shared by the fs endpoints: coded errors, Nomad's read headers, plain-text error bodies. */
import type { ServerResponse } from "node:http";
import type { EmulatorContext } from "./emulator-context.js";

/** An fs error with the HTTP status Nomad gives it (errors Nomad leaves uncoded are 500). */
export class FsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "FsError";
  }
}

/** X-Nomad-Index / KnownLeader / LastContact, which Nomad's Go client requires on every read (404s included). */
export function setFsReadHeaders(ctx: EmulatorContext, res: ServerResponse): void {
  const meta = ctx.readMeta?.() ?? { index: 1, knownLeader: true };
  res.setHeader("X-Nomad-Index", String(Math.max(meta.index, 1)));
  res.setHeader("X-Nomad-KnownLeader", meta.knownLeader ? "true" : "false");
  res.setHeader("X-Nomad-LastContact", "0");
}

/**
 * Errors before the first byte are plain-text HTTP errors (bare message, no trailing newline); once streaming
 * has started, the connection just ends (REFERENCE §6).
 */
export function sendFsError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = err instanceof FsError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(message));
  res.end(message);
}

/** Sends a JSON body. */
export function sendFsJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
