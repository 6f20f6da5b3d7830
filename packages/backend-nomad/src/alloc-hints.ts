/**
 * Per-process hints that save round trips without making this process a source of truth:
 * - which allocation a sandbox this process just started (or just exec'd in) runs in, so the next exec skips the
 *   lookup. Nomad itself refuses exec in a finished allocation (1008 "not running"/"exec not possible"), so a stale
 *   hint can never run a command in another sandbox; the worst case is one refused exec, after which the hint is
 *   dropped and the next call looks the allocation up again. Such a refusal reaches the caller through the
 *   session's `exit` rather than from `exec()` itself, so hints are short-lived: `HINT_TTL_MS` after their last
 *   confirmation (a start, a finished exec, a `get` that saw it running); any other observation drops them.
 * - the job body this process registered at create and the JobModifyIndex Nomad answered, so start() can
 *   re-register it without reading it back. That one is safe by construction: the register is a check-and-set on
 *   that index, and a job changed by anyone else fails it and is read back.
 * Both are bounded maps (oldest entries go first) and are dropped by this process's own stop and remove.
 */
import type { AllocationListStub, NomadJob } from "./client/index.js";

/** How long an allocation hint is trusted after the last time Nomad confirmed it (a start or a finished exec). */
export const HINT_TTL_MS = 5_000;
/** Entries kept per map: enough for a busy server replica, small enough to never matter for memory. */
const MAX_ENTRIES = 1024;

/** The body create registered and the JobModifyIndex Nomad gave it. */
export interface RegisteredJob {
  job: NomadJob;
  jobModifyIndex: number;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** The hints of one backend instance. */
export class AllocHints {
  readonly #allocs = new Map<string, { alloc: AllocationListStub; until: number }>();
  readonly #registered = new Map<string, RegisteredJob>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Nomad just showed `alloc` running the sandbox `name`. */
  confirm(name: string, alloc: AllocationListStub): void {
    remember(this.#allocs, name, { alloc, until: this.#now() + HINT_TTL_MS });
  }

  /** The hinted allocation of `name`, if one was confirmed recently. */
  alloc(name: string): AllocationListStub | undefined {
    const hint = this.#allocs.get(name);
    if (!hint) return undefined;
    if (hint.until > this.#now()) return hint.alloc;
    this.#allocs.delete(name);
    return undefined;
  }

  /** Drops the allocation hint of `name` if it still names `allocId` (a refused exec, a stop). */
  dropAlloc(name: string, allocId?: string): void {
    const hint = this.#allocs.get(name);
    if (hint && (allocId === undefined || hint.alloc.ID === allocId)) this.#allocs.delete(name);
  }

  /** Create registered `job` for `name` at `jobModifyIndex`. */
  registered(name: string, job: NomadJob, jobModifyIndex: number): void {
    remember(this.#registered, name, { job, jobModifyIndex });
  }

  /** The body create registered for `name` (taken: start uses it once; a later start reads the job back). */
  takeRegistered(name: string): RegisteredJob | undefined {
    const known = this.#registered.get(name);
    this.#registered.delete(name);
    return known;
  }

  /** Forgets everything about `name` (this process stopped or removed it). */
  forget(name: string): void {
    this.#allocs.delete(name);
    this.#registered.delete(name);
  }
}
