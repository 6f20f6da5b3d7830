/** Maps what Nomad stores (job Meta, job summary, allocation ClientStatus/TaskStates) to core SandboxInfo. */
import { type Resources, SECURITY_PROFILES, type SandboxInfo, type SandboxStatus, type SecurityProfile } from "@agentkernel/core";
import type { AllocationListStub, JobListStub, TaskEvent } from "./client/index.js";
import {
  META_CREATED_AT,
  META_IMAGE,
  META_NETWORK,
  META_PROFILE,
  META_RESOURCES,
  META_SANDBOX,
  metaToLabels,
  TASK_NAME,
} from "./job-meta.js";

/** The job fields SandboxInfo is read from (both a full job and a list stub with `meta=true` have them). */
export interface JobFacts {
  ID: string;
  Namespace?: string;
  Meta?: Record<string, string> | null;
  Stop?: boolean;
  Status?: string;
  SubmitTime?: number;
  JobSummary?: JobListStub["JobSummary"];
}

/** The allocation that represents the sandbox now: the newest one (never cached; callers read it each time). */
export function currentAlloc(allocs: readonly AllocationListStub[]): AllocationListStub | undefined {
  let best: AllocationListStub | undefined;
  for (const a of allocs) if (!best || a.CreateIndex > best.CreateIndex) best = a;
  return best;
}

const FAILURE_TYPES = new Set(["Driver Failure", "Setup Failure", "Failed Validation", "Terminated", "Not Restarting", "Killed"]);

/** The task events that explain a failure, e.g. "Driver Failure: failed to pull image …". */
export function describeTaskEvents(events: readonly TaskEvent[] | null | undefined): string {
  const relevant = (events ?? []).filter((e) => e.FailsTask || e.DriverError || e.SetupError || FAILURE_TYPES.has(e.Type));
  const shown = (relevant.length > 0 ? relevant : (events ?? []).slice(-2)).map((e) => {
    const text = e.DriverError || e.SetupError || e.DisplayMessage || e.Message || "";
    return text ? `${e.Type}: ${text}` : e.Type;
  });
  return shown.join("; ");
}

/** True when exec can run: alloc running and the sandbox task running. */
export function isExecReady(alloc: AllocationListStub | undefined): boolean {
  return alloc?.ClientStatus === "running" && alloc.TaskStates?.[TASK_NAME]?.State === "running";
}

/** Core status of a sandbox from its job and current allocation. */
export function statusFromAlloc(
  job: Pick<JobFacts, "Stop" | "Status">,
  alloc: AllocationListStub | undefined,
): { status: SandboxStatus; detail?: string } {
  if (job.Stop) return { status: "stopped" };
  if (!alloc) {
    return job.Status === "dead" ? { status: "stopped" } : { status: "pending", detail: "waiting for placement" };
  }
  const task = alloc.TaskStates?.[TASK_NAME];
  const events = describeTaskEvents(task?.Events);
  const moved = alloc.PreviousAllocation ? ` (replaces allocation ${alloc.PreviousAllocation}; filesystem not kept)` : "";
  switch (alloc.ClientStatus) {
    case "running":
      return task?.State === "running"
        ? { status: "running", ...(moved ? { detail: moved.trim() } : {}) }
        : { status: "pending", detail: events || "task starting" };
    case "pending":
      return { status: "pending", detail: events || alloc.ClientDescription || "allocation pending" };
    case "complete":
      return { status: "stopped", detail: `main process exited${events ? `: ${events}` : ""}` };
    case "failed":
      return { status: "failed", detail: events || alloc.ClientDescription || "allocation failed" };
    case "lost":
      return {
        status: "lost",
        detail: `its node ${alloc.NodeName ?? alloc.NodeID} was lost; the sandbox and its filesystem are gone (not replaced)`,
      };
    default:
      return { status: "unknown", detail: alloc.ClientDescription || `node ${alloc.NodeName ?? alloc.NodeID} disconnected` };
  }
}

/** Status for `list`, from the job summary counts (one request per page, no per-job reads). */
export function statusFromSummary(job: JobFacts): SandboxStatus {
  if (job.Stop) return "stopped";
  const s = job.JobSummary?.Summary?.sandbox;
  if (!s) return job.Status === "running" ? "running" : job.Status === "pending" ? "pending" : "stopped";
  if (s.Running > 0) return "running";
  if (s.Starting > 0 || s.Queued > 0) return "pending";
  if ((s.Unknown ?? 0) > 0) return "unknown";
  if (s.Lost > 0) return "lost";
  if (s.Failed > 0) return "failed";
  return "stopped";
}

function parseResources(text: string | undefined): Resources | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Resources;
  } catch {
    return undefined;
  }
}

/** SandboxInfo from a job's Meta plus a status computed by the caller. */
export function sandboxInfo(
  job: JobFacts,
  state: { status: SandboxStatus; detail?: string },
  alloc: AllocationListStub | undefined,
  backend: string,
): SandboxInfo {
  const meta = job.Meta ?? {};
  const profile = meta[META_PROFILE];
  const created = meta[META_CREATED_AT] ? new Date(meta[META_CREATED_AT]) : new Date((job.SubmitTime ?? 0) / 1e6);
  const info: SandboxInfo = {
    name: meta[META_SANDBOX] ?? job.ID,
    backend,
    status: state.status,
    labels: metaToLabels(meta),
    createdAt: created,
    refs: {
      jobId: job.ID,
      namespace: job.Namespace,
      allocId: alloc?.ID,
      nodeId: alloc?.NodeID,
      evalId: alloc?.EvalID,
    },
  };
  if (state.detail) info.statusDetail = state.detail;
  if (meta[META_IMAGE]) info.image = meta[META_IMAGE];
  if (meta[META_NETWORK]) info.network = meta[META_NETWORK] === "true";
  if (profile && (SECURITY_PROFILES as readonly string[]).includes(profile)) info.profile = profile as SecurityProfile;
  const resources = parseResources(meta[META_RESOURCES]);
  if (resources) info.resources = resources;
  return info;
}
