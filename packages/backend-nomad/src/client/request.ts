// The two call shapes of Nomad's Go api (query and write) on top of the transport.
import type { ErrorContext, NomadResponseError } from "./errors.js";
import type { Transport } from "./http.js";
import {
  blockingTimeoutMs,
  type QueryOptions,
  type QueryResponse,
  queryParams,
  scopeParams,
  type WriteOptions,
  type WriteResponse,
} from "./params.js";
import { type BodyShape, decodeBody, parseQueryMeta } from "./response.js";
import type { AgentkernelError } from "@agentkernel/core";

/** Fills the namespace into an error context so messages can name it. */
export function withNamespace(t: Transport, opts: { namespace?: string }, context: ErrorContext): ErrorContext {
  const namespace = opts.namespace ?? t.defaults.namespace;
  return namespace ? { namespace, ...context } : context;
}

// Names the call in body-shape errors, e.g. "GET /v1/job/x (read job x)".
function where(method: string, path: string, context: ErrorContext): string {
  return `${method} ${path}${context.action ? ` (${context.action})` : ""}`;
}

/**
 * A GET with QueryOptions (blocking when `index` is set); idempotent, so retried. `expect` is the JSON kind of the
 * 200 body; anything else becomes a BackendUnavailableError here, so no caller dereferences a hostile body.
 */
export async function query<T>(
  t: Transport,
  path: string,
  q: QueryOptions,
  context: ErrorContext,
  expect: BodyShape,
): Promise<QueryResponse<T>> {
  const res = await t.text({
    method: "GET",
    path,
    params: queryParams(q, t.defaults),
    signal: q.signal,
    timeoutMs: blockingTimeoutMs(q, t.timeoutMs),
    idempotent: true,
    context: withNamespace(t, q, context),
  });
  return { data: decodeBody<T>(res, expect, where("GET", path, context)), meta: parseQueryMeta(res.headers) };
}

/** Extra knobs of a write beyond WriteOptions. */
export interface WriteCall {
  method: "PUT" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  params?: URLSearchParams;
  /** Overrides `opts.idempotent` when the call is idempotent by nature (DELETE with purge). */
  idempotent?: boolean;
  mapError?: (err: NomadResponseError) => AgentkernelError | undefined;
}

/** A write; retried only when idempotent. `expect` is checked like in `query`. */
export async function write<T>(
  t: Transport,
  call: WriteCall,
  opts: WriteOptions,
  context: ErrorContext,
  expect: BodyShape,
): Promise<WriteResponse<T>> {
  const params = call.params ?? new URLSearchParams();
  scopeParams(params, opts, t.defaults);
  const res = await t.text({
    method: call.method,
    path: call.path,
    params,
    json: call.body,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    idempotent: call.idempotent === true || opts.idempotent === true,
    context: withNamespace(t, opts, context),
    mapError: call.mapError,
  });
  const data = decodeBody<T>(res, expect, where(call.method, call.path, context));
  return { data, meta: { lastIndex: parseQueryMeta(res.headers).lastIndex } };
}
