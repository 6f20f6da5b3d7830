/** Upkeep: top each pool up to target under the provider's lock, never past max, reap, back off while the backend is down. */
import {
  AgentkernelError,
  type ErrorCode,
  hasErrorCode,
  type WarmPoolCounts,
  type WarmPoolProvider,
  type WarmPoolSpec,
} from "@agentkernel/core";
import type { PoolMetrics } from "./metrics.js";
import type { ResolvedWarmPoolOptions } from "./warm-pool-options.js";

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set(["BACKEND_UNAVAILABLE", "TIMEOUT", "STREAM_INTERRUPTED", "CONFLICT"]);

/** Failures that heal by themselves: wait and retry rather than give up. */
export function isTransient(err: unknown): boolean {
  return AgentkernelError.isInstance(err) && TRANSIENT_CODES.has(err.code);
}

/** How many to dispatch: up to target warm (pending counts, it will be warm soon), never past max in total. */
export function deficit(counts: WarmPoolCounts, target: number, max: number): number {
  const live = counts.warm + counts.pending;
  return Math.max(0, Math.min(target - live, max - live - counts.claimed));
}

/**
 * Runs rounds on a timer: `upkeepIntervalMs` after a good round, exponential backoff after a failed one
 * (`backoffBaseMs` doubling up to the interval). `kick()` asks for a round soon (after claims and releases) but
 * never cuts a backoff short, so a down backend is not hammered.
 */
export class Upkeep {
  readonly #o: ResolvedWarmPoolOptions;
  readonly #provider: WarmPoolProvider;
  readonly #metrics: PoolMetrics;
  /** Last counts read from the backend per pool key. */
  readonly counts = new Map<string, WarmPoolCounts>();
  readonly #ensured = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #lastReap = 0;
  #stopped = false;
  lastError: unknown;

  constructor(options: ResolvedWarmPoolOptions, provider: WarmPoolProvider, metrics: PoolMetrics) {
    this.#o = options;
    this.#provider = provider;
    this.#metrics = metrics;
  }

  /** True while rounds fail and the next one waits out a backoff. */
  get backingOff(): boolean {
    return this.#failures > 0;
  }

  /** Runs one round now (waits for a running one first); rejects with the round's error. */
  async runOnce(): Promise<void> {
    while (this.#running) await this.#running;
    const round = this.#round();
    // #running never rejects (the round's error goes to this caller only), so waiting on it is always safe.
    this.#running = round.then(
      () => this.#clearRunning(),
      () => this.#clearRunning(),
    );
    await round;
  }

  #clearRunning(): void {
    this.#running = undefined;
  }

  /** Asks for a round soon; coalesces with a running one. */
  kick(): void {
    if (this.#stopped || this.#failures > 0) return;
    const running = this.#running;
    // Coalesces: every kick during a round schedules the same single follow-up (timers replace each other).
    if (running) void running.then(() => this.kick());
    else this.#schedule(0);
  }

  /** Schedules the next round after `ms`. */
  #schedule(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      await this.runOnce();
    } catch {
      // Logged in #round; the backoff below decides when to try again.
    }
    const backoff = Math.min(this.#o.upkeepIntervalMs, this.#o.backoffBaseMs * 2 ** Math.max(0, this.#failures - 1));
    this.#schedule(this.#failures > 0 ? backoff : this.#o.upkeepIntervalMs);
  }

  /** Starts the timer with an immediate first round. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the timer and waits for a running round. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#running) await this.#running;
  }

  async #topUp(pool: WarmPoolSpec): Promise<void> {
    const p = this.#provider;
    if (!this.#ensured.has(pool.key)) {
      await p.ensurePool(pool);
      this.#ensured.add(pool.key);
    }
    const counts = await p.counts(pool);
    const need = deficit(counts, this.#o.targetSize, this.#o.maxSize);
    if (need > 0) {
      try {
        const started = await p.prewarm(pool, need);
        counts.pending += started;
        this.#metrics.dispatched += started;
        this.#o.logger.debug({ pool: pool.key, started, ...counts }, "warm pool: dispatched warm sandboxes");
      } catch (err) {
        // The pool's backing object may be gone (e.g. the parent job was purged): make it exist again next round.
        if (hasErrorCode(err, "NOT_FOUND") || hasErrorCode(err, "NOT_RUNNING")) this.#ensured.delete(pool.key);
        throw err;
      }
    }
    this.counts.set(pool.key, counts);
  }

  async #round(): Promise<void> {
    const p = this.#provider;
    try {
      for (const pool of this.#o.pools) {
        if (p.withUpkeepLock) {
          const r = await p.withUpkeepLock(pool, () => this.#topUp(pool));
          if (!r.acquired) {
            // Another replica is topping this pool up right now; just refresh what we show.
            this.#o.logger.debug({ pool: pool.key }, "warm pool: another replica holds the upkeep lock");
            this.counts.set(pool.key, await p.counts(pool));
          }
        } else await this.#topUp(pool);
      }
      // The reaper reads every claim: once per interval, not on every kicked round (claims kick one each).
      if (Date.now() - this.#lastReap >= this.#o.upkeepIntervalMs) {
        const reaped = await p.reap();
        this.#lastReap = Date.now();
        this.#metrics.reaped += reaped;
        if (reaped > 0) this.#o.logger.info({ reaped }, "warm pool: reaped expired or dead sandboxes");
      }
      this.#metrics.upkeepRounds++;
      if (this.#failures > 0)
        this.#o.logger.info({ after: this.#failures }, "warm pool: backend reachable again; upkeep recovered");
      this.#failures = 0;
      this.lastError = undefined;
    } catch (err) {
      this.#metrics.upkeepRounds++;
      this.#metrics.upkeepFailures++;
      this.#failures++;
      this.lastError = err;
      const level = isTransient(err) ? "warn" : "error";
      this.#o.logger[level]({ err, failures: this.#failures }, "warm pool: upkeep round failed; backing off");
      throw err;
    }
  }
}
