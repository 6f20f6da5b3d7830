/** The slice of the warm pool (@agentkernel/pool) the server uses, typed structurally so either side can evolve. */
import type { SandboxInfo, SandboxSpec } from "@agentkernel/core";

/** Pool figures as /pool and /metrics show them; pools add their own fields. */
export interface PoolStatsView {
  [key: string]: unknown;
}

/** What the server needs from a warm pool. */
export interface ServerPool {
  /**
   * Claims a warm sandbox for `spec.name` when a pool matches `spec.image`/`spec.profile` and one is warm;
   * resolves undefined otherwise (the caller then creates and starts one cold).
   */
  acquire(spec: SandboxSpec, options?: { signal?: AbortSignal }): Promise<SandboxInfo | undefined>;
  /** Gives a claimed sandbox back (it is removed; upkeep refills the pool). */
  release(name: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Current figures, read from the backend. */
  stats(options?: { signal?: AbortSignal }): Promise<PoolStatsView> | PoolStatsView;
  /** True while upkeep runs (for /ready). Absent: assumed running. */
  isRunning?(): boolean;
  /** Stops upkeep (shutdown). */
  drain?(): Promise<void>;
}
