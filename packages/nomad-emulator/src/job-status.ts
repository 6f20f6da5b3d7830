/** Job status and JobSummary derived from allocations and evaluations, following Nomad's state store. */
import { nsKey, type State } from "./state.js";
import type { JobSpec } from "./types.js";

const TERMINAL_EVAL = new Set(["complete", "failed", "canceled"]);

/** True for a terminal evaluation status. */
export function evalTerminal(status: string): boolean {
  return TERMINAL_EVAL.has(status);
}

/** Nomad's getJobStatus: periodic/parameterized run until stopped; else any live alloc → running, live eval → pending. */
export function jobStatus(state: State, job: JobSpec): string {
  if (job.Type === "system" || job.ParameterizedJob || job.Periodic) return job.Stop ? "dead" : "running";
  let hasAlloc = false;
  for (const a of state.allocsOf(job.Namespace, job.ID)) {
    hasAlloc = true;
    if (!a.terminal()) return "running";
  }
  let hasEval = false;
  for (const e of state.evalsOf(job.Namespace, job.ID)) {
    if (!evalTerminal(e.Status)) return "pending";
    hasEval = true;
  }
  return hasEval || hasAlloc ? "dead" : "pending";
}

/** JobSummary as GET /v1/job/:id/summary and the list stub carry it. */
export function jobSummary(state: State, job: JobSpec): Record<string, unknown> {
  const summary: Record<string, Record<string, number>> = {};
  for (const g of job.TaskGroups) {
    summary[g.Name] = { Queued: 0, Complete: 0, Failed: 0, Running: 0, Starting: 0, Lost: 0, Unknown: 0 };
  }
  let modify = job.CreateIndex;
  for (const a of state.allocsOf(job.Namespace, job.ID)) {
    if (a.Job.CreateIndex !== job.CreateIndex) continue; // an earlier instance with the same ID
    const s = summary[a.TaskGroup];
    if (!s) continue;
    modify = Math.max(modify, a.ModifyIndex);
    const k = {
      pending: "Starting",
      running: "Running",
      complete: "Complete",
      failed: "Failed",
      lost: "Lost",
      unknown: "Unknown",
    }[a.ClientStatus];
    if (k) s[k] = (s[k] ?? 0) + 1;
  }
  for (const e of state.evalsOf(job.Namespace, job.ID)) {
    if (e.Status !== "blocked" || !e.QueuedAllocations) continue;
    modify = Math.max(modify, e.ModifyIndex);
    for (const [tg, n] of Object.entries(e.QueuedAllocations)) {
      const s = summary[tg];
      if (s) s.Queued = (s.Queued ?? 0) + n;
    }
  }
  const children = { Pending: 0, Running: 0, Dead: 0 };
  for (const key of state.children.get(nsKey(job.Namespace, job.ID)) ?? []) {
    const c = state.jobs.get(key);
    if (!c) continue;
    if (c.Status === "pending") children.Pending++;
    else if (c.Status === "running") children.Running++;
    else children.Dead++;
  }
  return {
    JobID: job.ID,
    Namespace: job.Namespace,
    Summary: summary,
    Children: children,
    CreateIndex: job.CreateIndex,
    ModifyIndex: Math.max(modify, job.JobModifyIndex),
  };
}

/** The /v1/jobs list stub; `Meta` only with meta=true and when the job has meta. */
export function jobStub(state: State, job: JobSpec, withMeta: boolean): Record<string, unknown> {
  const stub: Record<string, unknown> = {
    ID: job.ID,
    ParentID: job.ParentID,
    Name: job.Name,
    Namespace: job.Namespace,
    Datacenters: job.Datacenters,
    NodePool: job.NodePool,
    Multiregion: null,
    Type: job.Type,
    Priority: job.Priority,
    Periodic: job.Periodic !== null,
    ParameterizedJob: job.ParameterizedJob !== null,
    Stop: job.Stop,
    Status: job.Status,
    StatusDescription: job.StatusDescription,
    JobSummary: jobSummary(state, job),
    CreateIndex: job.CreateIndex,
    ModifyIndex: job.ModifyIndex,
    JobModifyIndex: job.JobModifyIndex,
    SubmitTime: job.SubmitTime,
  };
  if (withMeta && job.Meta && Object.keys(job.Meta).length > 0) stub.Meta = job.Meta;
  return stub;
}
