/** The emulator's state store: one raft-like index, tables, change notification and the event ring buffer. */
import type { Alloc } from "./alloc.js";
import type { Evaluation, JobSpec, NodeRecord, VariableRecord } from "./types.js";

/** Tables whose last index blocking queries and not-found reads report. */
export type TableName = "jobs" | "allocs" | "evals" | "vars" | "nodes" | "acl";

/** One event of /v1/event/stream. */
export interface StreamEvent {
  Topic: string;
  Type: string;
  Key: string;
  Namespace: string;
  FilterKeys: string[] | null;
  Index: number;
  Payload: Record<string, unknown>;
}

/** One NDJSON frame of the stream (all events of one raft index). */
export interface EventFrame {
  Index: number;
  Events: StreamEvent[];
}

/** Key of a namespaced object. */
export const nsKey = (ns: string, id: string): string => `${ns}\u0000${id}`;

/** Adds `id` to the set filed under `key`, creating the set on first use. */
function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(id);
}

/** The rows of `table` whose IDs are in `ids`, in set order (IDs without a row are skipped). */
function lookUp<T>(ids: Set<string> | undefined, table: Map<string, T>): T[] {
  const out: T[] = [];
  for (const id of ids ?? []) {
    const row = table.get(id);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** In-memory tables with a monotonically increasing index; every write bumps it and wakes waiters. */
export class State {
  index = 10;
  readonly tables: Record<TableName, number> = { jobs: 1, allocs: 1, evals: 1, vars: 1, nodes: 1, acl: 1 };
  readonly jobs = new Map<string, JobSpec>();
  readonly allocs = new Map<string, Alloc>();
  readonly evals = new Map<string, Evaluation>();
  readonly allocsByJob = new Map<string, Set<string>>();
  readonly evalsByJob = new Map<string, Set<string>>();
  readonly vars = new Map<string, VariableRecord>();
  readonly nodes = new Map<string, NodeRecord>();
  readonly frames: EventFrame[] = [];
  /** Child job keys by parent key (dispatched/periodic children), so summaries need no table scan. */
  readonly children = new Map<string, Set<string>>();
  private sortedJobKeys: string[] | undefined;
  private pending: Omit<StreamEvent, "Index">[] = [];
  private readonly dirtyJobs = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private inWrite = false;

  constructor(
    private readonly eventBufferSize: number,
    private readonly jobStatusOf: (job: JobSpec) => string,
  ) {}

  /**
   * Runs one write at a new index. Tables touched get that index; jobs marked dirty get their Status
   * recomputed (a change bumps the job's ModifyIndex, as Nomad's setJobStatus does); events queued
   * during the write become one frame; waiters wake afterwards.
   */
  write<T>(tables: TableName[], fn: (index: number) => T): T {
    if (this.inWrite) throw new Error("nested state write");
    this.inWrite = true;
    const index = ++this.index;
    let out: T;
    try {
      out = fn(index);
      for (const t of tables) this.tables[t] = index;
      for (const key of this.dirtyJobs) {
        const job = this.jobs.get(key);
        if (!job) continue;
        const status = this.jobStatusOf(job);
        if (status !== job.Status) {
          job.Status = status;
          job.ModifyIndex = index;
          this.tables.jobs = index;
        }
      }
    } finally {
      this.dirtyJobs.clear();
      this.inWrite = false;
    }
    if (this.pending.length > 0) {
      this.frames.push({ Index: index, Events: this.pending.map((e) => ({ ...e, Index: index })) });
      this.pending = [];
      while (this.frames.length > this.eventBufferSize) this.frames.shift();
    }
    for (const l of [...this.listeners]) l();
    return out;
  }

  /** Queues an event for the current write. Payload objects are snapshotted now. */
  publish(e: Omit<StreamEvent, "Index">): void {
    this.pending.push({ ...e, Payload: JSON.parse(JSON.stringify(e.Payload)) as Record<string, unknown> });
  }

  /** Queues an Allocation event: Key = alloc ID, FilterKeys = [JobID, ""], the job stripped from the payload. */
  publishAlloc(a: Alloc, type: string): void {
    this.publish({
      Topic: "Allocation",
      Type: type,
      Key: a.ID,
      Namespace: a.Namespace,
      FilterKeys: [a.JobID, ""],
      Payload: { Allocation: a.toApi(false) },
    });
  }

  /** Marks a job whose status may have changed in this write. */
  touchJob(ns: string, id: string): void {
    this.dirtyJobs.add(nsKey(ns, id));
  }

  /** Calls `cb` after every write; returns the unsubscribe function. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Wakes every listener (used on shutdown so blocked queries return). */
  wakeAll(): void {
    for (const l of [...this.listeners]) l();
  }

  putJob(job: JobSpec): void {
    const key = nsKey(job.Namespace, job.ID);
    if (!this.jobs.has(key)) this.sortedJobKeys = undefined;
    if (job.ParentID) {
      const parent = nsKey(job.Namespace, job.ParentID);
      addTo(this.children, parent, key);
      this.dirtyJobs.add(parent);
    }
    this.jobs.set(key, job);
    this.dirtyJobs.add(key);
  }

  deleteJob(ns: string, id: string): void {
    const job = this.jobs.get(nsKey(ns, id));
    if (job?.ParentID) this.children.get(nsKey(ns, job.ParentID))?.delete(nsKey(ns, id));
    if (this.jobs.delete(nsKey(ns, id))) this.sortedJobKeys = undefined;
  }

  /** Job keys ordered by namespace then ID (the jobs table's iteration order). */
  jobKeysSorted(): string[] {
    if (!this.sortedJobKeys) this.sortedJobKeys = [...this.jobs.keys()].sort();
    return this.sortedJobKeys;
  }

  putAlloc(a: Alloc): void {
    this.allocs.set(a.ID, a);
    const key = nsKey(a.Namespace, a.JobID);
    addTo(this.allocsByJob, key, a.ID);
    this.dirtyJobs.add(key);
  }

  putEval(e: Evaluation): void {
    this.evals.set(e.ID, e);
    const key = nsKey(e.Namespace, e.JobID);
    addTo(this.evalsByJob, key, e.ID);
    this.dirtyJobs.add(key);
  }

  /** Allocations of a job (any instance with that ID). */
  allocsOf(ns: string, id: string): Alloc[] {
    return lookUp(this.allocsByJob.get(nsKey(ns, id)), this.allocs);
  }

  /** Evaluations of a job. */
  evalsOf(ns: string, id: string): Evaluation[] {
    return lookUp(this.evalsByJob.get(nsKey(ns, id)), this.evals);
  }
}
