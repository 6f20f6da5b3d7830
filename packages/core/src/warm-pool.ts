/** The warm-pool hooks a backend may offer; @agentkernel/pool drives them (target, max, upkeep, metrics). */
import type { SandboxInfo, SandboxSpec, SecurityProfile } from "./sandbox.js";

/** One pool: sandboxes of one image and profile kept started and unclaimed. */
export interface WarmPoolSpec {
  /** Stable key, e.g. `alpine-3-20.moderate`; `poolKey()` derives it. */
  key: string;
  image: string;
  profile: SecurityProfile;
}

export interface WarmPoolCounts {
  /** Started and unclaimed: claimable now. */
  warm: number;
  /** Dispatched but not yet running. */
  pending: number;
  /** Claimed and in use as named sandboxes. */
  claimed: number;
}

/** Implemented by a backend that can pre-start sandboxes (Nomad: parameterized job + dispatch). */
export interface WarmPoolProvider {
  /** Makes the pool exist on the backend (idempotent), e.g. registers the parameterized job. */
  ensurePool(pool: WarmPoolSpec, options?: { signal?: AbortSignal }): Promise<void>;
  /** Counts read from the backend (source of truth), not from memory. */
  counts(pool: WarmPoolSpec, options?: { signal?: AbortSignal }): Promise<WarmPoolCounts>;
  /** Starts `count` more warm sandboxes; resolves with how many were started. */
  prewarm(pool: WarmPoolSpec, count: number, options?: { signal?: AbortSignal }): Promise<number>;
  /**
   * Atomically claims one warm sandbox for `spec.name` (across processes and replicas: a claim is never
   * handed out twice). Resolves undefined when none is warm; throws AlreadyExistsError for a taken name.
   */
  claim(pool: WarmPoolSpec, spec: SandboxSpec, options?: { signal?: AbortSignal }): Promise<SandboxInfo | undefined>;
  /** Removes a claimed sandbox (its warm slot is then refilled by upkeep). */
  release(name: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Removes expired claimed sandboxes and orphaned warm sandboxes, and, where the backend enforces TTLs (Nomad),
   * cold sandboxes past created-at + `ttlSeconds`; resolves with how many. Servers call it periodically (pool
   * upkeep or a reaper loop); `agentkernel pool reap` runs it once.
   */
  reap(options?: { now?: Date; signal?: AbortSignal }): Promise<number>;
  /** Removes the pool's unclaimed warm sandboxes (never claimed ones); resolves with how many. */
  cleanup(pool: WarmPoolSpec, options?: { signal?: AbortSignal }): Promise<number>;
  /**
   * Runs `fn` while holding a short cross-replica lock on the pool's upkeep (Nomad: a Variable lock), so two
   * replicas never over-dispatch. `acquired: false` means another holder has it: skip this round. Optional: a
   * provider that serves a single process may omit it.
   */
  withUpkeepLock?<T>(pool: WarmPoolSpec, fn: () => Promise<T>): Promise<UpkeepLockResult<T>>;
}

/** Outcome of `withUpkeepLock`. */
export type UpkeepLockResult<T> = { acquired: true; value: T } | { acquired: false };

/** Derives a stable pool key from image and profile. */
export function poolKey(image: string, profile: SecurityProfile): string {
  return `${image
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase()}.${profile}`;
}
