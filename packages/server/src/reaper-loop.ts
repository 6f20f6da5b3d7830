/** The reaper loop: runs the backend's `warmPool.reap()` on a timer where no warm pool's upkeep already does. */
import type { Backend, WarmPoolProvider } from "@agentkernel/core";
import { isTransient } from "@agentkernel/pool";
import type { Logger } from "./logger.js";

/** Same cadence as @agentkernel/pool's upkeep (`upkeepIntervalMs` default), which reaps once per interval. */
export const DEFAULT_REAP_INTERVAL_MS = 30_000;
/** Same first retry delay as the pool's upkeep (`backoffBaseMs` default); it doubles up to the interval. */
export const DEFAULT_REAP_BACKOFF_BASE_MS = 500;
/** The first sweep waits this long so it does not compete with the server coming up. */
export const DEFAULT_REAP_FIRST_DELAY_MS = 1_000;

/** Options of createReaperLoop. */
export interface ReaperLoopOptions {
  /** What to reap with: a backend's `warmPool` (Nomad: expired claims, crash leftovers, cold sandboxes past TTL). */
  provider: Pick<WarmPoolProvider, "reap">;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /** Time between sweeps after a good one. Default DEFAULT_REAP_INTERVAL_MS. */
  intervalMs?: number;
  /** First retry delay after a failed sweep, doubling up to `intervalMs`. Default DEFAULT_REAP_BACKOFF_BASE_MS. */
  backoffBaseMs?: number;
  /** Delay before the first sweep after `start()`. Default DEFAULT_REAP_FIRST_DELAY_MS. */
  firstDelayMs?: number;
}

/** A periodic reaper; see createReaperLoop. */
export interface ReaperLoop {
  /** Schedules the first sweep after `firstDelayMs`, then one per interval (backing off while sweeps fail). */
  start(): void;
  /** Stops the timer, aborts a running sweep and waits for it; never rejects. Idempotent. */
  stop(): Promise<void>;
  /** Runs one sweep now (after a running one) and resolves with how many it removed; rejects with its error. */
  sweep(): Promise<number>;
  /** Sweeps finished (ok or failed) and sandboxes removed so far. */
  stats(): { sweeps: number; failures: number; reaped: number };
  /** True while a timer is set or a sweep runs (false after `stop()`: nothing is left behind). */
  readonly active: boolean;
}

function positiveInt(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`reaper loop: ${name} must be an integer ≥ ${min} (got ${v})`);
  return v;
}

/**
 * A loop that calls `provider.reap()`: never two sweeps at once, errors logged and backed off (never thrown out of
 * the timer), the timer `unref()`ed so it never keeps a process alive on its own.
 */
export function createReaperLoop(options: ReaperLoopOptions): ReaperLoop {
  const { provider, logger } = options;
  const intervalMs = positiveInt("intervalMs", options.intervalMs, DEFAULT_REAP_INTERVAL_MS, 1);
  const backoffBaseMs = positiveInt("backoffBaseMs", options.backoffBaseMs, DEFAULT_REAP_BACKOFF_BASE_MS, 1);
  const firstDelayMs = positiveInt("firstDelayMs", options.firstDelayMs, DEFAULT_REAP_FIRST_DELAY_MS, 0);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let abort: AbortController | undefined;
  let stopped = true;
  let failures = 0;
  const totals = { sweeps: 0, failures: 0, reaped: 0 };

  async function once(): Promise<number> {
    abort = new AbortController();
    try {
      const reaped = await provider.reap({ signal: abort.signal });
      totals.sweeps++;
      totals.reaped += reaped;
      if (reaped > 0) logger.info({ reaped }, "reaper: removed expired or dead sandboxes");
      if (failures > 0) logger.info({ after: failures }, "reaper: backend reachable again");
      failures = 0;
      return reaped;
    } catch (err) {
      totals.sweeps++;
      totals.failures++;
      // An abort from stop() is the shutdown, not a failure worth a log line.
      if (!(stopped && abort.signal.aborted)) {
        failures++;
        // Failures that heal by themselves (the pool upkeep's own rule) are a warning, not an error.
        const level = isTransient(err) ? "warn" : "error";
        logger[level]({ err, failures }, "reaper: sweep failed; backing off");
      }
      throw err;
    } finally {
      abort = undefined;
    }
  }

  async function sweep(): Promise<number> {
    while (running) await running;
    const p = once();
    // `running` never rejects, so whoever waits on it is safe; the sweep's error goes to this caller only.
    running = p.then(
      () => {
        running = undefined;
      },
      () => {
        running = undefined;
      },
    );
    return p;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  }

  async function tick(): Promise<void> {
    timer = undefined;
    try {
      await sweep();
    } catch {
      // Logged in once(); the backoff below decides when to try again.
    }
    schedule(failures > 0 ? Math.min(intervalMs, backoffBaseMs * 2 ** (failures - 1)) : intervalMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(firstDelayMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      abort?.abort(new Error("reaper stopped"));
      while (running) await running;
    },
    sweep,
    stats: () => ({ ...totals }),
    get active() {
      return timer !== undefined || running !== undefined;
    },
  };
}

/** A started reaper loop over `backend.warmPool`, or undefined for a backend that cannot reap (local). */
export function startReaperLoop(
  backend: Backend,
  logger: ReaperLoopOptions["logger"],
  options: Omit<ReaperLoopOptions, "provider" | "logger"> = {},
): ReaperLoop | undefined {
  if (!backend.warmPool) return undefined;
  const loop = createReaperLoop({ provider: backend.warmPool, logger, ...options });
  loop.start();
  return loop;
}
