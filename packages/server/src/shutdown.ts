/**
 * ShutdownScope: aborts every piece of in-flight work at shutdown without tying per-request signals to one
 * long-lived signal (AbortSignal.any on a process-lifetime signal retains every dependant in some Node versions),
 * and anySignal, which combines signals without AbortSignal.any's weak links.
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

/** A signal that aborts when any source does; `dispose()` detaches it once the work is over. */
export interface LinkedSignal {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Like AbortSignal.any, but each source holds the derived controller through its listener. Node 20's
 * AbortSignal.any keeps dependants only weakly, so a derived signal that nothing else references can be
 * collected while work still listens to it, and the abort is silently lost.
 */
export function anySignal(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const detach: (() => void)[] = [];
  const dispose = () => {
    for (const d of detach.splice(0)) d();
  };
  for (const source of sources) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => {
      controller.abort(source.reason);
      dispose();
    };
    source.addEventListener("abort", onAbort, { once: true });
    detach.push(() => source.removeEventListener("abort", onAbort));
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}
