// Nomad's plain-text HTTP errors and their translation into core errors with a message that says what to do.
import {
  AbortedError,
  AgentkernelError,
  BackendUnavailableError,
  ConflictError,
  InternalError,
  InvalidInputError,
  NotFoundError,
  NotRunningError,
  PermissionDeniedError,
  TimeoutError,
  UnauthorizedError,
} from "@agentkernel/core";
import type { Variable } from "./types.js";

const BACKEND = "nomad";

/** How much of Nomad's error body a NomadResponseError keeps (the rest is only counted). */
export const BODY_KEEP_BYTES = 64 * 1024;
/** How much of Nomad's error body an error message quotes. */
export const BODY_QUOTE_CHARS = 512;

/** At most BODY_QUOTE_CHARS of `body`, then "…(N more bytes)" counting up to `totalBytes` (the size Nomad sent). */
export function quoteBody(body: string, totalBytes = Buffer.byteLength(body)): string {
  if (body.length <= BODY_QUOTE_CHARS && Buffer.byteLength(body) >= totalBytes) return body;
  const shown = body.slice(0, BODY_QUOTE_CHARS);
  return `${shown}…(${totalBytes - Buffer.byteLength(shown)} more bytes)`;
}

/** A non-2xx answer from Nomad. `path` is the request path and query; the token is never in it (it travels in a header). */
export class NomadResponseError extends Error {
  readonly statusCode: number;
  /** Nomad's plain-text error body, at most BODY_KEEP_BYTES of it (messages quote at most BODY_QUOTE_CHARS). */
  readonly body: string;
  /** Size of the body Nomad sent, in bytes (larger than `body` when it was cut). */
  readonly bodyBytes: number;
  readonly method: string;
  readonly path: string;
  constructor(statusCode: number, body: string, method: string, path: string, bodyBytes = Buffer.byteLength(body)) {
    const kept = body.length > BODY_KEEP_BYTES ? body.slice(0, BODY_KEEP_BYTES) : body;
    super(`Nomad ${method} ${path} answered ${statusCode}: ${quoteBody(kept, bodyBytes) || "(empty body)"}`);
    this.name = "NomadResponseError";
    this.statusCode = statusCode;
    this.body = kept;
    this.bodyBytes = bodyBytes;
    this.method = method;
    this.path = path;
  }
}

/** The request never got an answer (refused, reset, DNS, TLS). Holds a copy of the low-level error's code and text only. */
export class NomadConnectionError extends Error {
  readonly code: string | undefined;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, code: string | undefined, message: string) {
    super(`Nomad ${method} ${path} failed: ${code ? `${code} ` : ""}${message}`);
    this.name = "NomadConnectionError";
    this.code = code;
    this.method = method;
    this.path = path;
  }
}

/** The request ran past its deadline (client-side). */
export class NomadTimeoutError extends Error {
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
  constructor(method: string, path: string, timeoutMs: number) {
    super(`Nomad ${method} ${path} did not answer within ${timeoutMs} ms`);
    this.name = "NomadTimeoutError";
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/** A lost check-and-set on a variable. `conflict` is Nomad's 409 body: the variable as it is now (zero value if absent). */
export class VariableConflictError extends ConflictError {
  readonly conflict: Variable;
  constructor(message: string, conflict: Variable, cause: unknown) {
    super(message, { backend: BACKEND, cause });
    this.conflict = conflict;
  }
}

/** What the caller was doing; lets the mapping name the capability and object in its message. */
export interface ErrorContext {
  /** e.g. "register job agentkernel-foo". */
  action?: string;
  /** The ACL capability the call needs, e.g. "submit-job" or "alloc-exec". */
  capability?: string;
  namespace?: string;
  /** What a 404 means here, e.g. `sandbox "foo"`. */
  resource?: string;
}

// Node's TLS verification failures (ERR_TLS_*) and OpenSSL's verify codes (CERT_*, SELF_SIGNED_*, UNABLE_TO_*).
function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && /^(ERR_TLS_|ERR_SSL_|CERT_|SELF_SIGNED_|UNABLE_TO_|DEPTH_ZERO_)/.test(code);
}

const dispatchInput = [
  "is not a parameterized job",
  "Payload is not provided",
  "Payload provided but forbidden",
  "Payload exceeds maximum size",
  "unpermitted metadata keys",
  "did not provide required meta keys",
];

/**
 * Maps any error from the client (NomadResponseError, connection, timeout, abort) to a core error.
 * Core errors pass through. The original error is kept as `cause`.
 */
export function toCoreError(err: unknown, context: ErrorContext = {}): AgentkernelError {
  if (AgentkernelError.isInstance(err)) return err;
  const what = context.action ? `${context.action}: ` : "";
  const opts = { backend: BACKEND, cause: err };
  if (err instanceof NomadTimeoutError) {
    return new TimeoutError(
      `${what}Nomad did not answer within ${err.timeoutMs} ms; check the agent's health or raise timeoutMs`,
      opts,
    );
  }
  if (err instanceof NomadConnectionError && isTlsCode(err.code)) {
    return new BackendUnavailableError(
      `${what}TLS verification failed (${err.code}); set NOMAD_CACERT to the CA that signed the agent's certificate and NOMAD_TLS_SERVER_NAME to its name (often server.<region>.nomad)`,
      opts,
    );
  }
  if (err instanceof NomadConnectionError) {
    return new BackendUnavailableError(
      `${what}cannot reach Nomad (${err.code ?? err.message}); check NOMAD_ADDR and that the agent is running`,
      opts,
    );
  }
  if (!(err instanceof NomadResponseError)) {
    if (err instanceof Error && err.name === "AbortError") return new AbortedError(`${what}aborted by the caller`, opts);
    return new InternalError(`${what}unexpected error from the Nomad client: ${String(err)}`, opts);
  }
  const body = err.body.trim();
  // Quote a bounded part of the body; the count of bytes not shown includes what the transport never kept.
  const dropped = err.bodyBytes - Buffer.byteLength(err.body);
  const said = `(Nomad said: ${quoteBody(body, Buffer.byteLength(body) + dropped) || err.statusCode})`;
  const ns = context.namespace ? ` in namespace "${context.namespace}"` : "";
  switch (err.statusCode) {
    case 400:
      return new InvalidInputError(`${what}Nomad rejected the request ${said}; fix the request and retry`, opts);
    case 401:
      return new UnauthorizedError(`${what}Nomad refused the credentials ${said}; check NOMAD_TOKEN / NOMAD_HTTP_AUTH`, opts);
    case 403:
      if (/ACL token (not found|expired)/i.test(body)) {
        return new UnauthorizedError(`${what}the Nomad token is not valid ${said}; set NOMAD_TOKEN to a current token`, opts);
      }
      return new PermissionDeniedError(
        context.capability
          ? `${what}the Nomad token lacks the "${context.capability}" capability${ns} ${said}; add it to the token's ACL policy`
          : `${what}the Nomad token is not allowed to do this${ns} ${said}; check its ACL policy`,
        opts,
      );
    case 404:
      return new NotFoundError(`${what}${context.resource ?? "the object"} was not found in Nomad${ns} ${said}`, opts);
    case 409:
      return new ConflictError(`${what}a concurrent change won ${said}; read the current state and retry`, opts);
    case 405:
      return new InternalError(`${what}Nomad does not accept this method here ${said}; this is a client bug`, opts);
    case 429:
    case 502:
    case 503:
    case 504:
      return new BackendUnavailableError(`${what}Nomad is unavailable ${said}; retry later`, opts);
  }
  if (err.statusCode === 500) return mapServerError(body, what, said, context, opts);
  if (err.statusCode >= 500) return new BackendUnavailableError(`${what}Nomad failed ${said}; retry later`, opts);
  return new InternalError(`${what}unexpected answer ${err.statusCode} from Nomad ${said}`, opts);
}

// Nomad returns uncoded errors as 500, so the text is the only signal (REFERENCE.md §1.1, §1.5).
function mapServerError(
  body: string,
  what: string,
  said: string,
  context: ErrorContext,
  opts: { backend: string; cause: unknown },
): AgentkernelError {
  if (body.includes("No cluster leader")) {
    return new BackendUnavailableError(`${what}the Nomad cluster has no leader ${said}; retry once a leader is elected`, opts);
  }
  if (body.startsWith("Enforcing job modify index")) {
    return new ConflictError(`${what}the job changed concurrently ${said}; read it again and retry`, opts);
  }
  if (body.includes("parameterized job not found")) {
    return new NotFoundError(`${what}${context.resource ?? "the parameterized job"} was not found ${said}`, opts);
  }
  if (/Specified job ".*" is stopped/.test(body)) {
    return new NotRunningError(`${what}the parameterized job is stopped ${said}; register it again first`, opts);
  }
  if (dispatchInput.some((s) => body.includes(s))) {
    return new InvalidInputError(`${what}Nomad rejected the dispatch ${said}; fix the payload or meta`, opts);
  }
  if (body.startsWith("failed to marshal command")) {
    return new InvalidInputError(`${what}Nomad could not read the command ${said}; pass argv as an array of strings`, opts);
  }
  if (/error\(s\) occurred/.test(body) || body.startsWith("Task can only ask") || body.includes("Missing job ID")) {
    return new InvalidInputError(`${what}Nomad rejected the job spec ${said}; fix the listed fields`, opts);
  }
  return new BackendUnavailableError(`${what}Nomad failed ${said}; retry later or check the agent's logs`, opts);
}
