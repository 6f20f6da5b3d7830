// Request options shared by every resource, and their encoding as Nomad query parameters.

/** Options of a read (Nomad's QueryOptions). `index` + `waitMs` make it a blocking query. */
export interface QueryOptions {
  namespace?: string;
  region?: string;
  prefix?: string;
  /** go-bexpr expression, run against the full object. */
  filter?: string;
  perPage?: number;
  nextToken?: string;
  /** Block until the result's index exceeds this. */
  index?: number;
  /** Longest block, in ms (the server caps it at 300 s). */
  waitMs?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Extra query parameters (e.g. `{ all: "true" }`). */
  params?: Record<string, string>;
}

/** Options of a write (Nomad's WriteOptions). `idempotent` allows retries on connection errors and 503. */
export interface WriteOptions {
  namespace?: string;
  region?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  idempotent?: boolean;
}

/** Response metadata of a read, from the X-Nomad-* headers. */
export interface QueryMeta {
  lastIndex: number;
  knownLeader: boolean;
  lastContact: number;
  nextToken?: string;
}

/** A read's decoded body and metadata. */
export interface QueryResponse<T> {
  data: T;
  meta: QueryMeta;
}

/** A write's decoded body and the raft index it landed at. */
export interface WriteResponse<T> {
  data: T;
  meta: { lastIndex: number };
}

/** Defaults the client adds to every request when configured. */
export interface ScopeDefaults {
  namespace?: string;
  region?: string;
}

/** Sets `namespace=` and `region=` from the call, else from the client config. */
export function scopeParams(
  params: URLSearchParams,
  opts: { namespace?: string; region?: string },
  defaults: ScopeDefaults,
): void {
  const namespace = opts.namespace ?? defaults.namespace;
  const region = opts.region ?? defaults.region;
  if (namespace) params.set("namespace", namespace);
  if (region) params.set("region", region);
}

/** Encodes QueryOptions as Nomad query parameters (wait as `<n>ms`, like the Go client). */
export function queryParams(q: QueryOptions, defaults: ScopeDefaults): URLSearchParams {
  const params = new URLSearchParams();
  scopeParams(params, q, defaults);
  if (q.prefix) params.set("prefix", q.prefix);
  if (q.filter) params.set("filter", q.filter);
  if (q.perPage !== undefined) params.set("per_page", String(q.perPage));
  if (q.nextToken) params.set("next_token", q.nextToken);
  if (q.index !== undefined && q.index > 0) params.set("index", String(q.index));
  if (q.waitMs !== undefined) params.set("wait", `${Math.max(0, Math.round(q.waitMs))}ms`);
  for (const [k, v] of Object.entries(q.params ?? {})) params.set(k, v);
  return params;
}

/** HTTP timeout for a blocking query: above wait × 17/16 (server jitter) + 5 s, as REFERENCE.md requires. */
export function blockingTimeoutMs(q: QueryOptions, baseTimeoutMs: number): number {
  if (q.index === undefined || q.index <= 0) return q.timeoutMs ?? baseTimeoutMs;
  // Without `wait` the server blocks for its default of 5 min; it caps any wait at 300 s.
  const floor = Math.ceil((Math.min(q.waitMs ?? 300_000, 300_000) * 17) / 16) + 5_000;
  return Math.max(q.timeoutMs ?? baseTimeoutMs, floor + 1);
}

/** Percent-encodes one path segment (job IDs may contain `/`). */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
