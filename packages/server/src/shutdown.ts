/**
 * ShutdownScope: aborts every piece of in-flight work at shutdown without tying per-request signals to one
 * long-lived signal (AbortSignal.any on a process-lifetime signal retains every dependant in some Node versions).
 */

/** One piece of work's shutdown signal; `release()` when the work ends so the scope forgets it. */
export interface ShutdownLink {
  signal: AbortSignal;
  /** Aborts this link only (e.g. the client went away). */
  abort(reason: unknown): void;
  release(): void;
}

/** Holds the controllers of live work and aborts them all on `abortAll`. */
export class ShutdownScope {
  readonly #live = new Set<AbortController>();
  #reason: unknown;
  #aborted = false;

  /** True once shutdown has aborted the in-flight work. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** How many links are live (tests assert nothing leaks). */
  get size(): number {
    return this.#live.size;
  }

  /** A new link; already aborted when shutdown has happened. */
  link(): ShutdownLink {
    const controller = new AbortController();
    if (this.#aborted) controller.abort(this.#reason);
    else this.#live.add(controller);
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      release: () => {
        this.#live.delete(controller);
      },
    };
  }

  /** Aborts every live link and every later one. */
  abortAll(reason: unknown): void {
    this.#aborted = true;
    this.#reason = reason;
    for (const controller of this.#live) controller.abort(reason);
    this.#live.clear();
  }
}
