// The one HTTP transport: keep-alive pool, auth headers, per-call timeout and abort, retries for idempotent calls only.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { AbortedError, type AgentkernelError } from "@agentkernel/core";
import { Pool } from "undici";
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type NomadClientConfig, type NomadRetryConfig } from "./config.js";
import {
  BODY_KEEP_BYTES,
  type ErrorContext,
  NomadConnectionError,
  NomadResponseError,
  NomadTimeoutError,
  toCoreError,
} from "./errors.js";
import { closingIdleConnector } from "./connector.js";
import { readCapped } from "./response.js";
import { isRetryable, sleep } from "./retry.js";
import { resolveTls } from "./tls.js";
import type { ScopeDefaults } from "./params.js";

/** One HTTP call as the resources describe it. */
export interface RequestSpec {
  method: "GET" | "PUT" | "POST" | "DELETE";
  /** Path under the agent, already percent-encoded, e.g. `/v1/job/a%2Fb`. */
  path: string;
  params?: URLSearchParams;
  /** Sent as JSON. */
  json?: unknown;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Safe to repeat: GETs, DELETE with purge, writes the caller marked idempotent. */
  idempotent: boolean;
  context: ErrorContext;
  /** Maps a Nomad error before the generic mapping (e.g. the 409 variable body). */
  mapError?: (err: NomadResponseError) => AgentkernelError | undefined;
}

/** A complete response with its body read as text. */
export interface TextResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A response whose body is still streaming; the timeout stopped once headers arrived, the caller's signal still applies. */
export interface StreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Where and how to reach the agent; also used by the WebSocket exec. */
export interface Endpoint {
  origin: string;
  pathPrefix: string;
  socketPath?: string;
  secure: boolean;
}

/** Parses a validated address into an undici origin (unix sockets use Host 127.0.0.1 like the Go client). */
export function parseEndpoint(address: string): Endpoint {
  if (address.startsWith("unix://")) {
    return { origin: "http://127.0.0.1", pathPrefix: "", socketPath: address.slice("unix://".length), secure: false };
  }
  const url = new URL(address);
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, ""), secure: url.protocol === "https:" };
}

/** The transport every resource shares. Secrets live only in `authHeaders`; nothing here logs them. */
export class Transport {
  readonly endpoint: Endpoint;
  readonly defaults: ScopeDefaults;
  readonly timeoutMs: number;
  readonly retry: NomadRetryConfig;
  readonly tls: ReturnType<typeof resolveTls>;
  readonly #authHeaders: Record<string, string>;
  readonly #pool: Pool;

  constructor(config: NomadClientConfig) {
    this.endpoint = parseEndpoint(config.address);
    this.defaults = { namespace: config.namespace, region: config.region };
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = config.retry ?? DEFAULT_RETRY;
    this.tls = resolveTls(config.tls);
    const auth: Record<string, string> = {};
    if (config.token) auth["x-nomad-token"] = config.token;
    if (config.httpAuth) {
      const pair = `${config.httpAuth.username}:${config.httpAuth.password ?? ""}`;
      auth.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    }
    this.#authHeaders = auth;
    this.#pool = new Pool(this.endpoint.origin, {
      keepAliveTimeout: 30_000,
      connect: closingIdleConnector({
        ...(this.endpoint.secure ? this.tls : {}),
        ...(this.endpoint.socketPath ? { socketPath: this.endpoint.socketPath } : {}),
      }),
    });
  }

  /** Headers that carry credentials (for the exec WebSocket upgrade). */
  authHeaders(): Record<string, string> {
    return { ...this.#authHeaders };
  }

  /** Path plus query as sent; it never contains a secret. */
  target(path: string, params?: URLSearchParams): string {
    const query = params?.toString();
    return `${this.endpoint.pathPrefix}${path}${query ? `?${query}` : ""}`;
  }

  /** Sends the call and reads the whole body; throws core errors. */
  async text(spec: RequestSpec): Promise<TextResponse> {
    return this.#withRetry(spec, async (signal) => {
      const res = await this.#dispatch(spec, signal);
      return { statusCode: res.statusCode, headers: res.headers, text: await res.body.text() };
    });
  }

  /** Sends the call and returns once headers arrive; the body streams on. Throws core errors. */
  async stream(spec: RequestSpec): Promise<StreamResponse> {
    return this.#withRetry(spec, (signal) => this.#dispatch(spec, signal), true);
  }

  async #dispatch(spec: RequestSpec, signal: AbortSignal) {
    const headers: Record<string, string> = { ...this.#authHeaders };
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers["content-type"] = "application/json";
    }
    const path = this.target(spec.path, spec.params);
    const res = await this.#pool.request({ path, method: spec.method, headers, body, signal });
    if (res.statusCode >= 300) {
      // Keep at most BODY_KEEP_BYTES of an error body; a huge one is counted, not held.
      const { text, bytes } = await readCapped(res.body, BODY_KEEP_BYTES).catch(() => ({ text: "", bytes: 0 }));
      throw new NomadResponseError(res.statusCode, text, spec.method, this.target(spec.path, spec.params), bytes);
    }
    return res;
  }

  async #withRetry<T>(spec: RequestSpec, run: (signal: AbortSignal) => Promise<T>, streaming = false): Promise<T> {
    const attempts = spec.idempotent ? Math.max(1, this.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(spec, run, streaming);
      } catch (err) {
        if (attempt < attempts && isRetryable(err)) {
          await sleep(this.retry, attempt, spec.signal).catch(() => {
            throw new AbortedError(`${spec.context.action ?? "Nomad call"}: aborted by the caller`, { backend: "nomad" });
          });
          continue;
        }
        if (err instanceof NomadResponseError) throw spec.mapError?.(err) ?? toCoreError(err, spec.context);
        throw toCoreError(err, spec.context);
      }
    }
  }

  async #attempt<T>(spec: RequestSpec, run: (signal: AbortSignal) => Promise<T>, streaming: boolean): Promise<T> {
    const action = spec.context.action ?? `${spec.method} ${spec.path}`;
    if (spec.signal?.aborted) throw new AbortedError(`${action}: aborted by the caller`, { backend: "nomad" });
    const controller = new AbortController();
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    const release = () => spec.signal?.removeEventListener("abort", onAbort);
    try {
      const result = await run(controller.signal);
      clearTimeout(timer);
      if (streaming) {
        // The caller's signal keeps governing the open body; detach once it is done.
        (result as StreamResponse).body.once("close", release);
      } else {
        release();
      }
      return result;
    } catch (err) {
      clearTimeout(timer);
      release();
      if (err instanceof NomadResponseError) throw err;
      if (spec.signal?.aborted) throw new AbortedError(`${action}: aborted by the caller`, { backend: "nomad" });
      if (timedOut) throw new NomadTimeoutError(spec.method, this.target(spec.path, spec.params), timeoutMs);
      const code = (err as { code?: unknown }).code;
      throw new NomadConnectionError(
        spec.method,
        this.target(spec.path, spec.params),
        typeof code === "string" ? code : undefined,
        err instanceof Error ? err.message : String(err),
      );
    }
  }

  /** Destroys pooled connections at once, also those of calls still pending (they reject; open streams end). */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
