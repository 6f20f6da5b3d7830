/** In-memory index of warm (running, unclaimed) children, fed by Nomad's event stream: acquire never scans the pool. */
import { AbortedError, hasErrorCode } from "@agentkernel/core";
import type { AllocationListStub, NomadClient } from "../client/index.js";
import { isExecReady } from "../sandbox-status.js";
import { childOfClaimPath, CLAIMS_PREFIX, isWarmChild, slugOfJob } from "./warm-pool-ids.js";

/** One claimable child as the index knows it. */
export interface WarmEntry {
  jobId: string;
  allocId: string;
  modifyIndex: number;
}

/** Server-side filter for every allocation of every pool child (a character class avoids regex escaping). */
export const WARM_ALLOC_FILTER = 'JobID matches "^agentkernel-warm-pool[.]"';

/** One pool's entries with O(1) add, remove and random pick (random, so racing claimers rarely collide). */
class Bucket {
  readonly byJob = new Map<string, number>();
  readonly entries: WarmEntry[] = [];

  put(e: WarmEntry): void {
    const at = this.byJob.get(e.jobId);
    if (at === undefined) {
      this.byJob.set(e.jobId, this.entries.length);
      this.entries.push(e);
    } else this.entries[at] = e;
  }

  delete(jobId: string): void {
    const at = this.byJob.get(jobId);
    if (at === undefined) return;
    const last = this.entries.pop();
    this.byJob.delete(jobId);
    if (last && at < this.entries.length) {
      this.entries[at] = last;
      this.byJob.set(last.jobId, at);
    }
  }

  pick(): WarmEntry | undefined {
    if (this.entries.length === 0) return undefined;
    return this.entries[Math.floor(Math.random() * this.entries.length)];
  }
}

/** Options of the index. */
export interface WarmIndexOptions {
  client: () => NomadClient;
  namespace: string | undefined;
  /** Told about stream failures (the loop reconnects by itself). */
  onError?: (err: unknown) => void;
}

/**
 * Follows every pool child's allocation: a bootstrap list (one paged request) at index I, then the event stream
 * from I+1. On any stream failure it backs off, lists again and resumes, so missed or evicted events heal.
 * Claims are not Nomad events: a child claimed elsewhere leaves the index when our claim on it loses (409)
 * or when its job is purged.
 */
export class WarmIndex {
  readonly #opts: WarmIndexOptions;
  readonly #buckets = new Map<string, Bucket>();
  /** Children known to be claimed (by anyone); never re-added until their allocation is gone. */
  readonly #claimed = new Set<string>();
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #ready: Promise<void>;
  #markReady: () => void = () => undefined;
  #isReady = false;

  constructor(opts: WarmIndexOptions) {
    this.#opts = opts;
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
  }

  /** Starts following (idempotent). */
  start(): void {
    this.#loop ??= this.#run().catch((err) => this.#opts.onError?.(err));
  }

  /** True once the first bootstrap listing is in. */
  get isReady(): boolean {
    return this.#isReady;
  }

  /** Resolves once the first bootstrap listing is in, or after `timeoutMs` (whichever first). */
  async waitReady(timeoutMs: number): Promise<boolean> {
    if (this.#isReady) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.#ready, timeout]);
    clearTimeout(timer);
    return this.#isReady;
  }

  /** A random warm child of the pool, or undefined. */
  pick(slug: string): WarmEntry | undefined {
    return this.#buckets.get(slug)?.pick();
  }

  /** How many children the index holds as warm for a pool. */
  size(slug: string): number {
    return this.#buckets.get(slug)?.entries.length ?? 0;
  }

  /** Drops a child for good (claimed by us or someone else, or found dead). */
  markClaimed(jobId: string): void {
    this.#claimed.add(jobId);
    this.#drop(jobId);
  }

  /** Applies one allocation state (from the stream, a listing or a direct read). */
  apply(alloc: AllocationListStub): void {
    if (!isWarmChild(alloc.JobID)) return;
    const slug = slugOfJob(alloc.JobID);
    if (slug === undefined) return;
    const live = alloc.DesiredStatus === "run" && isExecReady(alloc);
    if (!live) {
      const terminal = ["complete", "failed", "lost"].includes(alloc.ClientStatus) || alloc.DesiredStatus !== "run";
      const bucket = this.#buckets.get(slug);
      const at = bucket?.byJob.get(alloc.JobID);
      const current = at === undefined ? undefined : bucket?.entries[at];
      if (current && current.allocId === alloc.ID && current.modifyIndex <= alloc.ModifyIndex) bucket?.delete(alloc.JobID);
      if (terminal) this.#claimed.delete(alloc.JobID);
      return;
    }
    if (this.#claimed.has(alloc.JobID)) return;
    let bucket = this.#buckets.get(slug);
    if (!bucket) {
      bucket = new Bucket();
      this.#buckets.set(slug, bucket);
    }
    const at = bucket.byJob.get(alloc.JobID);
    const prior = at === undefined ? undefined : bucket.entries[at];
    if (prior && prior.allocId === alloc.ID && prior.modifyIndex > alloc.ModifyIndex) return;
    bucket.put({ jobId: alloc.JobID, allocId: alloc.ID, modifyIndex: alloc.ModifyIndex });
  }

  /** Stops following. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  #drop(jobId: string): void {
    const slug = slugOfJob(jobId);
    if (slug !== undefined) this.#buckets.get(slug)?.delete(jobId);
  }

  /** Lists claim records and every pool allocation; returns the allocation list's index. */
  async #bootstrap(signal: AbortSignal): Promise<number> {
    const client = this.#opts.client();
    const ns = this.#opts.namespace;
    let next: string | undefined;
    do {
      const page = await client.variables.list({ prefix: CLAIMS_PREFIX, namespace: ns, perPage: 1000, nextToken: next, signal });
      for (const v of page.data) {
        const child = childOfClaimPath(v.Path);
        if (child) this.#claimed.add(child);
      }
      next = page.meta.nextToken;
    } while (next);
    this.#buckets.clear();
    let index = 0;
    do {
      const page = await client.allocations.list({
        filter: WARM_ALLOC_FILTER,
        namespace: ns,
        perPage: 1000,
        nextToken: next,
        signal,
      });
      for (const a of page.data) this.apply(a);
      index = Math.max(index, page.meta.lastIndex);
      next = page.meta.nextToken;
    } while (next);
    return index;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        let index = await this.#bootstrap(signal);
        this.#isReady = true;
        this.#markReady();
        const frames = this.#opts.client().events.stream({
          topics: { Allocation: ["*"] },
          index: index + 1,
          namespace: this.#opts.namespace,
          signal,
        });
        for await (const frame of frames) {
          failures = 0;
          for (const e of frame.Events) {
            const alloc = e.Payload.Allocation;
            if (e.Topic === "Allocation" && alloc) this.apply(alloc);
          }
          index = Math.max(index, frame.Index);
        }
      } catch (err) {
        if (signal.aborted || err instanceof AbortedError || hasErrorCode(err, "ABORTED")) return;
        this.#opts.onError?.(err);
      }
      if (signal.aborted) return;
      failures++;
      // The stream ended or failed: back off (250 ms doubling to 10 s), then list again and resume.
      const delay = Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}
