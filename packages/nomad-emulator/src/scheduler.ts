/** Evaluations and placement: the server side that turns jobs into allocations, or into FailedTGAllocs + a BlockedEval. */
import { join } from "node:path";
import { Alloc } from "./alloc.js";
import { newId, nowNs } from "./ids.js";
import { evalTerminal } from "./job-status.js";
import { placeOne, usageByNode } from "./placement.js";
import { nsKey, type State } from "./state.js";
import { pendingTaskState } from "./task-events.js";
import { buildTaskEnv } from "./task-env.js";
import type { TaskRunner } from "./tasks.js";
import type { AllocMetric, Evaluation, JobSpec, NodeRecord } from "./types.js";

/** Scheduler settings. */
export interface SchedulerOptions {
  placementDelayMs: number;
  allocRoot: string;
  region: string;
  isolation: "bwrap" | "none";
  /** While true, evals stay pending (the "placement never happens" fault). */
  placementHeld(): boolean;
}

/** Creates evals inside writes and processes them after the placement delay. */
export class Scheduler {
  private readonly queue = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Decoded dispatch payloads by job key, written into task dirs at start. */
  readonly payloads = new Map<string, Buffer>();

  constructor(
    private readonly state: State,
    private readonly runner: TaskRunner,
    private readonly opts: SchedulerOptions,
  ) {}

  /** Creates a pending eval for a job. Call inside a write; the eval is processed after it commits. */
  createEval(
    job: JobSpec,
    triggeredBy: string,
    index: number,
    extra: Partial<Evaluation> = {},
    publishType = "EvaluationUpdated",
  ): Evaluation {
    const now = nowNs();
    const ev: Evaluation = {
      ID: newId(),
      Namespace: job.Namespace,
      Priority: job.Priority,
      Type: job.Type,
      TriggeredBy: triggeredBy,
      JobID: job.ID,
      JobModifyIndex: job.JobModifyIndex,
      NodeID: "",
      NodeModifyIndex: 0,
      DeploymentID: "",
      Status: "pending",
      StatusDescription: "",
      Wait: 0,
      WaitUntil: null,
      NextEval: "",
      PreviousEval: "",
      BlockedEval: "",
      RelatedEvals: null,
      FailedTGAllocs: null,
      ClassEligibility: null,
      EscapedComputedClass: false,
      QuotaLimitReached: "",
      AnnotatePlan: false,
      QueuedAllocations: null,
      SnapshotIndex: 0,
      CreateIndex: index,
      ModifyIndex: index,
      CreateTime: now,
      ModifyTime: now,
      ...extra,
    };
    this.state.putEval(ev);
    this.publishEval(ev, publishType);
    this.enqueue(ev.ID);
    return ev;
  }

  private publishEval(ev: Evaluation, type: string): void {
    this.state.publish({
      Topic: "Evaluation",
      Type: type,
      Key: ev.ID,
      Namespace: ev.Namespace,
      FilterKeys: [ev.JobID, ""],
      Payload: { Evaluation: ev },
    });
  }

  private enqueue(id: string): void {
    this.queue.add(id);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.drain();
    }, this.opts.placementDelayMs);
    this.timers.add(t);
  }

  /** Processes queued evals unless placement is held by a fault; call again when the fault clears. */
  drain(): void {
    if (this.closed || this.opts.placementHeld()) return;
    for (const id of [...this.queue]) {
      this.queue.delete(id);
      this.process(id);
    }
  }

  /** Re-tries blocked evals (capacity may have freed). */
  unblock(): void {
    for (const ev of this.state.evals.values()) if (ev.Status === "blocked" && !this.queue.has(ev.ID)) this.enqueue(ev.ID);
  }

  private process(id: string): void {
    const ev = this.state.evals.get(id);
    if (!ev || evalTerminal(ev.Status)) return;
    const started: Alloc[] = [];
    const stopped: Alloc[] = [];
    this.state.write(["evals", "allocs"], (index) => {
      const job = this.state.jobs.get(nsKey(ev.Namespace, ev.JobID));
      const live = this.state.allocsOf(ev.Namespace, ev.JobID);
      const failed: Record<string, AllocMetric> = {};
      const queued: Record<string, number> = {};
      if (!job || job.Stop) {
        for (const a of live) if (!a.terminal()) stopped.push(this.markStop(a, "alloc not needed due to job update", index));
      } else {
        const used = usageByNode(this.state);
        const nodes = [...this.state.nodes.values()];
        for (const g of job.TaskGroups) {
          const mine = live.filter((a) => a.TaskGroup === g.Name && a.Job.CreateIndex === job.CreateIndex);
          const batch = job.Type === "batch" || job.Type === "sysbatch";
          const slots: Alloc[] = [];
          for (const a of mine) {
            if (a.ClientStatus === "lost") {
              // Disconnect.Replace:false keeps the lost alloc's slot, so no replacement is placed.
              if (g.Disconnect?.Replace === false && a.NextAllocation === "") slots.push(a);
              continue;
            }
            if (a.DesiredStatus !== "run") continue;
            if (a.DesiredTransition.Migrate === true) {
              stopped.push(this.markStop(a, "alloc is being migrated", index));
              continue;
            }
            if (a.clientTerminal() && !batch) continue;
            const changed = a.Job.Version !== job.Version && JSON.stringify(a.group()) !== JSON.stringify(g);
            if (changed && !a.clientTerminal()) {
              stopped.push(this.markStop(a, "alloc is being updated due to job update", index));
              continue;
            }
            if (!a.clientTerminal()) a.Job = job;
            slots.push(a);
          }
          for (const extra of slots.slice(g.Count))
            if (!extra.clientTerminal()) stopped.push(this.markStop(extra, "alloc not needed due to job update", index));
          const usedIdx = new Set(slots.map((a) => a.index));
          let need = g.Count - slots.length;
          let metric: AllocMetric | undefined;
          let fails = 0;
          for (let i = 0; need > 0; i++) {
            if (usedIdx.has(i)) continue;
            need--;
            const r = placeOne(nodes, job, g, used);
            if (!("node" in r)) {
              fails++;
              metric = r.metric;
              continue;
            }
            const prev = mine.find((a) => a.index === i && a.DesiredStatus !== "run" && a.NextAllocation === "");
            started.push(this.newAlloc(job, g.Name, i, r.node, r.metric, ev.ID, index, prev));
          }
          if (metric) {
            metric.CoalescedFailures = fails - 1;
            failed[g.Name] = metric;
            queued[g.Name] = fails;
          }
        }
      }
      const wasBlocked = ev.Status === "blocked";
      // One blocked eval per job: a newer eval supersedes it (it re-blocks below if placement still fails).
      if (!wasBlocked) {
        for (const other of this.state.evalsOf(ev.Namespace, ev.JobID)) {
          if (other.Status !== "blocked") continue;
          other.Status = "canceled";
          other.ModifyIndex = index;
          other.ModifyTime = nowNs();
          this.publishEval(other, "EvaluationUpdated");
        }
      }
      ev.ModifyIndex = index;
      ev.ModifyTime = nowNs();
      ev.SnapshotIndex = index - 1;
      const anyFailed = Object.keys(failed).length > 0;
      if (wasBlocked) {
        ev.QueuedAllocations = anyFailed ? queued : null;
        if (!anyFailed) ev.Status = "complete";
      } else {
        ev.Status = "complete";
        ev.QueuedAllocations = job ? Object.fromEntries(job.TaskGroups.map((g) => [g.Name, queued[g.Name] ?? 0])) : null;
        if (anyFailed && job) {
          ev.FailedTGAllocs = failed;
          ev.ClassEligibility = { "v1:9803688035578634002": true };
          const blocked = this.createEval(job, ev.TriggeredBy, index, {
            Status: "blocked",
            StatusDescription: "created due to placement conflicts",
            PreviousEval: ev.ID,
            QueuedAllocations: queued,
            ClassEligibility: { "v1:9803688035578634002": true },
          });
          this.queue.delete(blocked.ID);
          ev.BlockedEval = blocked.ID;
        }
      }
      this.state.touchJob(ev.Namespace, ev.JobID);
      this.publishEval(ev, "EvaluationUpdated");
      for (const a of [...started, ...stopped]) this.state.publishAlloc(a, "PlanResult");
    });
    for (const a of stopped) this.runner.stop(a);
    for (const a of started) this.runner.start(a, this.payloads.get(nsKey(a.Namespace, a.JobID)));
  }

  /** Sets DesiredStatus stop. Call inside a write. */
  markStop(a: Alloc, why: string, index: number): Alloc {
    a.DesiredStatus = "stop";
    a.DesiredDescription = why;
    a.ModifyIndex = index;
    a.AllocModifyIndex = index;
    a.ModifyTime = nowNs();
    this.state.touchJob(a.Namespace, a.JobID);
    return a;
  }

  private newAlloc(
    job: JobSpec,
    group: string,
    i: number,
    node: NodeRecord,
    metric: AllocMetric,
    evalId: string,
    index: number,
    prev?: Alloc,
  ): Alloc {
    const a = new Alloc();
    a.ID = newId();
    a.Namespace = job.Namespace;
    a.EvalID = evalId;
    a.Name = `${job.ID}.${group}[${i}]`;
    a.index = i;
    a.NodeID = node.ID;
    a.NodeName = node.Name;
    a.JobID = job.ID;
    a.Job = job;
    a.TaskGroup = group;
    a.Metrics = metric;
    a.CreateIndex = index;
    a.ModifyIndex = index;
    a.AllocModifyIndex = index;
    a.CreateTime = nowNs();
    a.ModifyTime = a.CreateTime;
    a.allocDir = join(this.opts.allocRoot, a.ID);
    const g = a.group();
    a.taskNames = g?.Tasks.map((t) => t.Name) ?? [];
    a.networkNone = g?.Networks?.[0]?.Mode === "none";
    for (const t of g?.Tasks ?? []) {
      a.TaskStates[t.Name] = pendingTaskState();
      a.env[t.Name] = buildTaskEnv(a, t, node, this.opts.region, this.opts.isolation);
    }
    if (prev) {
      a.PreviousAllocation = prev.ID;
      prev.NextAllocation = a.ID;
      prev.ModifyIndex = index;
    }
    this.state.putAlloc(a);
    return a;
  }

  /** Stops timers; queued evals stay pending. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
  }
}
