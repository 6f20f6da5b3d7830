/** Body size limits, request deadlines and bounded concurrency (a semaphore with a bounded queue). */
import { Transform, type TransformCallback } from "node:stream";
import { AbortedError, TimeoutError } from "@agentkernel/core";
import { HttpEdgeError } from "./error-handler.js";
import { anySignal } from "./shutdown.js";

/** Tunable limits; every field has a default suited to a shared server. */
export interface ServerLimits {
  /** Largest JSON body (default 16 MiB: base64 file bodies and batch requests fit). */
  maxJsonBodyBytes: number;
  /** Largest raw `application/octet-stream` upload, counted while streaming (default 4 GiB). */
  maxUploadBytes: number;
  /** Largest file returned inside JSON (utf8/base64); bigger ones must use octet-stream (default 8 MiB). */
  maxJsonFileBytes: number;
  /** Output kept per stream for non-streaming exec and run (default 16 MiB; the rest is dropped, `truncated`). */
  maxOutputBytes: number;
  /** Deadline of non-streaming requests (default 10 min). An exec's own `timeout_ms` may be shorter. */
  requestTimeoutMs: number;
  /** Longest a client may take to send a whole request, body included (default 15 min; slow-body guard). */
  receiveTimeoutMs: number;
  /** Longest `timeout_ms` a client may ask for (default 1 h). */
  maxExecTimeoutMs: number;
  /** Commands running at once across exec, run, batch and WebSocket exec (default 64). */
  maxConcurrentExecs: number;
  /** Requests allowed to wait for an exec slot; beyond that → 429 (default 1024). */
  maxQueuedExecs: number;
  /** Parallel runs of one `/batch/run` (default 8; a request may ask for fewer). */
  maxBatchConcurrency: number;
  /** Runs in one batch (default 256). */
  maxBatchSize: number;
  /**
   * How long shutdown waits for in-flight requests before aborting them (default 25 s: the Nomad job's
   * kill_timeout is 30 s, and the aborted runs still need a moment to remove their sandboxes).
   */
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxJsonBodyBytes: 16 * 1024 * 1024,
  maxUploadBytes: 4 * 1024 * 1024 * 1024,
  maxJsonFileBytes: 8 * 1024 * 1024,
  maxOutputBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 600_000,
  receiveTimeoutMs: 900_000,
  maxExecTimeoutMs: 3_600_000,
  maxConcurrentExecs: 64,
  maxQueuedExecs: 1024,
  maxBatchConcurrency: 8,
  maxBatchSize: 256,
  shutdownGraceMs: 25_000,
};

/** Why a wait for a slot ended: a core error (503), never the raw abort reason (which would read as a bug). */
function cancelled(signal: AbortSignal | undefined): AbortedError {
  return new AbortedError("the request was cancelled while it waited for an exec slot", { cause: signal?.reason });
}

/** A counting semaphore whose waiters are bounded: a full queue is refused at once (429) rather than piling up. */
export class Semaphore {
  #active = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly maxQueue: number,
  ) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiters.length;
  }

  /** Waits for a slot; resolves with its release function. Aborting `signal` leaves the queue. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#active >= this.max) {
      if (this.#waiters.length >= this.maxQueue) {
        throw new HttpEdgeError(
          "TOO_MANY_REQUESTS",
          `all ${this.max} exec slots are busy and ${this.maxQueue} requests wait; retry later`,
        );
      }
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.#waiters.indexOf(wake);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(cancelled(signal));
        };
        if (signal?.aborted) return reject(cancelled(signal));
        signal?.addEventListener("abort", onAbort, { once: true });
        this.#waiters.push(wake);
      });
    } else {
      this.#active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next();
      else this.#active--;
    };
  }
}

/** The limits plus the shared exec semaphore. */
export interface Limits extends ServerLimits {
  execSlots: Semaphore;
}

/** Applies defaults to partial limits and builds the semaphore. */
export function resolveLimits(partial: Partial<ServerLimits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  return { ...limits, execSlots: new Semaphore(limits.maxConcurrentExecs, limits.maxQueuedExecs) };
}

/**
 * Runs `fn` with a signal that also ends after `ms`; if the deadline is what ended it, the failure is a
 * TimeoutError (504) rather than whatever abort error the backend raised.
 */
export async function withDeadline<T>(
  signal: AbortSignal,
  ms: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new TimeoutError(`${what} took longer than ${ms} ms; retry, or raise the server's request timeout`)),
    ms,
  );
  const linked = anySignal([signal, deadline.signal]);
  try {
    return await fn(linked.signal);
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    linked.dispose();
  }
}

/** A pass-through that fails with 413 once more than `max` bytes went through (bounded uploads without buffering). */
export function byteLimit(max: number, onChunk?: (bytes: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      onChunk?.(chunk.length);
      if (seen > max) {
        callback(new HttpEdgeError("PAYLOAD_TOO_LARGE", `upload is larger than the server's limit of ${max} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
}
