/** The Nomad WarmPoolProvider: parameterized parent per pool, dispatched `sleep infinity` children, cas=0 claims. */
import { randomUUID } from "node:crypto";
import type { SandboxInfo, WarmPoolProvider, WarmPoolSpec } from "@agentkernel/core";
import type { AllocationListStub, JobInfo, NomadClient } from "../client/index.js";
import type { JobBuilderSettings } from "../job-builder.js";
import { NameRecords } from "./name-records.js";
import { listClaimedSandboxes } from "./warm-pool-list.js";
import { isWarmJobOf, readWarmChild, touchClaim, warmOverlay } from "./warm-pool-backend.js";
import { claimWarm } from "./warm-pool-claim.js";
import { isLiveJob, listClaims, listJobs, purgeJob, type WarmPoolContext } from "./warm-pool-context.js";
import { countWarmPool } from "./warm-pool-counts.js";
import { CLAIMS_PREFIX, claimPath, parentJobId, poolSlug } from "./warm-pool-ids.js";
import { WarmIndex } from "./warm-pool-index.js";
import { buildWarmPoolJob, dispatchMeta } from "./warm-pool-job.js";
import { type LockedResult, withUpkeepLock } from "./warm-pool-lock.js";
import { deleteVariable, removeByName } from "./warm-pool-remove.js";
import { reapWarmPool } from "./warm-pool-reaper.js";

/** Dispatches in flight at once during prewarm (Nomad handles each as one raft write). */
const DISPATCH_CONCURRENCY = 8;

/** Options of the provider (the backend passes its own client, namespace and job settings). */
export interface NomadWarmPoolOptions {
  client: () => NomadClient;
  namespace: string | undefined;
  settings: JobBuilderSettings;
  /** Name records to share (default: built on the same client and namespace). */
  names?: NameRecords;
  /** Idle deadline of a claimed sandbox without ttl/idle in its spec. Default 3600 s. */
  claimIdleSeconds?: number;
  /** Age after which a half-written claim counts as a crash leftover. Default 60 000 ms. */
  graceMs?: number;
  /** Told about event-stream failures (the index reconnects by itself). */
  onError?: (err: unknown) => void;
  /** Told about every successful claim with the child's running allocation. */
  onClaimed?: (name: string, alloc: AllocationListStub) => void;
  /** Told before a sandbox is released (removed) by name. */
  onReleased?: (name: string) => void;
}

/** What nomad-backend.ts calls to resolve claimed warm sandboxes (src/warm-pool/warm-pool-backend.ts). */
export interface NameHooks {
  /** The claimed warm child a name lock points to, or undefined when it is gone (reading counts as use). */
  readChild(childJobId: string, signal?: AbortSignal): Promise<JobInfo | undefined>;
  /** Counts use of the claimed child (throttled, best effort; see touchClaim). */
  touch(childJobId: string, signal?: AbortSignal): Promise<void>;
  /** True when `job` is a warm child rather than `agentkernel-<name>`. */
  isWarmJob(job: Pick<JobInfo, "ID">, name: string): boolean;
  /** A warm child's SandboxInfo with the claimed name, labels and claim time. */
  overlay(name: string, info: SandboxInfo, signal?: AbortSignal): Promise<SandboxInfo>;
  /** Every claimed warm sandbox, for `list`. */
  listClaimed(signal?: AbortSignal): Promise<SandboxInfo[]>;
}

/** The contract's provider plus what upkeep across replicas needs and the contract lacks (see README). */
export interface NomadWarmPoolProvider extends WarmPoolProvider {
  /** Runs `fn` under the pool's Nomad Variable lock; `{ acquired: false }` when another replica holds it. */
  withUpkeepLock<T>(pool: WarmPoolSpec, fn: () => Promise<T>): Promise<LockedResult<T>>;
  /** Name-record hooks for the backend. */
  readonly names: NameHooks;
  /** How many children the in-memory index holds as claimable (for tests and debugging). */
  indexedWarm(pool: WarmPoolSpec): number;
  /** Stops the event-stream follower. */
  close(): Promise<void>;
}

/** Runs `task` for 0..count-1 with at most `limit` in flight; resolves with the results in order. */
async function limited<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i).then(
        (value) => ({ status: "fulfilled", value }) as const,
        (reason: unknown) => ({ status: "rejected", reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

/** Creates the provider. Nothing talks to Nomad until the first call. */
export function createNomadWarmPool(options: NomadWarmPoolOptions): NomadWarmPoolProvider {
  const index = new WarmIndex({
    client: options.client,
    namespace: options.namespace,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const names = options.names ?? new NameRecords(options.client, options.namespace);
  const scope = { names, client: options.client, namespace: options.namespace, touched: new Map<string, number>() };
  const ctx: WarmPoolContext = {
    client: options.client,
    namespace: options.namespace,
    settings: options.settings,
    names,
    index,
    claimIdleSeconds: options.claimIdleSeconds ?? 3600,
    graceMs: options.graceMs ?? 60_000,
    ...(options.onClaimed ? { onClaimed: options.onClaimed } : {}),
  };
  const jobOptions = (signal?: AbortSignal) => ({ namespace: ctx.namespace, signal });

  return {
    async ensurePool(pool, opts = {}) {
      // Identical re-registration changes nothing (same Version); a parameterized job gets no evaluation.
      await ctx.client().jobs.register(buildWarmPoolJob(pool, ctx.settings), jobOptions(opts.signal));
      index.start();
    },

    counts: (pool, opts = {}) => countWarmPool(ctx, pool, opts.signal),

    async prewarm(pool, count, opts = {}) {
      if (count <= 0) return 0;
      const parent = parentJobId(pool);
      const results = await limited(count, DISPATCH_CONCURRENCY, () =>
        // The idempotency token lets the client retry a dispatch whose answer was lost without a second child.
        ctx
          .client()
          .jobs.dispatch(parent, { meta: dispatchMeta(pool) }, { ...jobOptions(opts.signal), idempotencyToken: randomUUID() }),
      );
      const started = results.filter((r) => r.status === "fulfilled").length;
      const failure = results.find((r) => r.status === "rejected");
      if (started === 0 && failure) throw failure.reason;
      return started;
    },

    claim: (pool, spec, opts = {}) => claimWarm(ctx, pool, spec, opts.signal),

    release: (name, opts = {}) => {
      options.onReleased?.(name);
      return removeByName(ctx, name, opts.signal);
    },

    reap: (opts = {}) => reapWarmPool(ctx, opts.now ?? new Date(), opts.signal),

    async cleanup(pool, opts = {}) {
      const [children, claims] = await Promise.all([
        listJobs(ctx, `${parentJobId(pool)}/`, opts.signal),
        listClaims(ctx, `${CLAIMS_PREFIX}${poolSlug(pool.key)}/`, opts.signal),
      ]);
      let removed = 0;
      for (const job of children) {
        if (claims.has(job.ID)) continue;
        if (isLiveJob(job)) {
          // Claim it first (cas=0) so a concurrent claimer can never be handed a child we are purging.
          const path = claimPath(job.ID);
          const won = await ctx
            .client()
            .variables.write(path, { name: "", cleanup: "true" }, { cas: 0, namespace: ctx.namespace, signal: opts.signal })
            .then(() => true)
            .catch(() => false);
          if (!won) continue;
          await purgeJob(ctx, job.ID, opts.signal);
          await deleteVariable(ctx, path, undefined, opts.signal);
        } else await purgeJob(ctx, job.ID, opts.signal);
        index.markClaimed(job.ID);
        removed++;
      }
      return removed;
    },

    withUpkeepLock: (pool, fn) => withUpkeepLock(ctx, pool, fn),

    names: {
      readChild: (childJobId, signal) => readWarmChild(scope, childJobId, signal),
      touch: (childJobId, signal) => touchClaim(scope, childJobId, signal),
      isWarmJob: isWarmJobOf,
      overlay: (name, info, signal) => warmOverlay(scope, name, info, signal),
      listClaimed: (signal) => listClaimedSandboxes(ctx, signal),
    },

    indexedWarm: (pool) => index.size(poolSlug(pool.key)),

    close: () => index.close(),
  };
}
