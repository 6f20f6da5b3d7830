// Nomad's blocking-query loop (REFERENCE.md "Blocking queries"): index tracking, reset on a backwards index, backoff on errors.
import { AbortedError, type AgentkernelError, hasErrorCode } from "@agentkernel/core";
import { DEFAULT_RETRY, type NomadRetryConfig } from "./config.js";
import type { QueryResponse } from "./params.js";
import { sleep } from "./retry.js";

/** Options of `watch`. */
export interface WatchOptions {
  /** Longest block per request, in ms (server caps at 300 s). */
  waitMs: number;
  signal?: AbortSignal;
  /** Backoff between failed requests; also bounds how many failures in a row are tolerated (`attempts`). */
  retry?: NomadRetryConfig;
}

// Failures that can heal by themselves; anything else (404, 403, 400) is for the caller to handle.
function transient(err: unknown): boolean {
  return hasErrorCode(err, "BACKEND_UNAVAILABLE") || hasErrorCode(err, "TIMEOUT") || hasErrorCode(err, "STREAM_INTERRUPTED");
}

/**
 * Yields the first result at once, then every result whose index moved forward. The index goes back to 0
 * when the server's index drops (snapshot restore, new leader); an unchanged index (wait timeout) is not yielded.
 * `fetch` must pass `index` and `waitMs` on to a query (the client sets the HTTP timeout above wait × 17/16 + 5 s).
 */
export async function* watch<T>(
  fetch: (q: { index: number; waitMs: number }) => Promise<QueryResponse<T>>,
  opts: WatchOptions,
): AsyncIterable<QueryResponse<T>> {
  const retry = opts.retry ?? { ...DEFAULT_RETRY, attempts: 8 };
  let index = 0;
  let fresh = true;
  let failures = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new AbortedError("watch: aborted by the caller", { backend: "nomad" });
    let res: QueryResponse<T>;
    try {
      res = await fetch({ index, waitMs: opts.waitMs });
      failures = 0;
    } catch (err) {
      if (opts.signal?.aborted || hasErrorCode(err, "ABORTED")) {
        throw new AbortedError("watch: aborted by the caller", { backend: "nomad", cause: err });
      }
      failures++;
      if (!transient(err) || failures >= retry.attempts) throw err as AgentkernelError;
      await sleep(retry, failures, opts.signal).catch((cause) => {
        throw new AbortedError("watch: aborted by the caller", { backend: "nomad", cause });
      });
      continue;
    }
    // Nomad's server never reports an index below 1; treating 0 as 1 keeps an empty table from spinning the loop.
    const n = Math.max(res.meta.lastIndex, 1);
    if (!fresh && n < index) {
      index = 0;
      fresh = true;
      continue;
    }
    if (!fresh && n === index) continue;
    fresh = false;
    index = n;
    yield res;
  }
}
