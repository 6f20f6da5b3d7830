/** How the backend reaches a sandbox: its job (cold, or a claimed warm child), its running allocation, exec in it. */
import {
  type ExecRequest,
  type ExecSession,
  hasErrorCode,
  NotFoundError,
  NotRunningError,
  validateSandboxName,
} from "@agentkernel/core";
import type { AllocHints } from "./alloc-hints.js";
import { type AllocationListStub, type JobInfo, type NomadClient, toCoreError } from "./client/index.js";
import { jobIdFor, TASK_NAME } from "./job-meta.js";
import { execTransport, startExecSession } from "./nomad-exec.js";
import { isMissingJob } from "./job-cas.js";
import { currentAlloc, isExecReady, statusFromAlloc } from "./sandbox-status.js";
import type { NomadWarmPoolProvider } from "./warm-pool/index.js";
import { lockedChild } from "./warm-pool/name-lock.js";

const BACKEND_ID = "nomad";

/** What the access functions share with the backend. */
export interface SandboxAccessContext {
  nomad: () => NomadClient;
  namespace: string | undefined;
  warm: Pick<NomadWarmPoolProvider, "names">;
  hints: AllocHints;
  where: (name: string) => string;
}

/** The lookups and exec of one backend instance. */
export function sandboxAccess(ctx: SandboxAccessContext) {
  const { nomad, namespace, warm, hints, where } = ctx;
  const missing = (name: string, cause?: unknown) =>
    new NotFoundError(`${where(name)} does not exist; create it first`, { backend: BACKEND_ID, ...(cause ? { cause } : {}) });

  /** `agentkernel-<name>` as stored, and the warm child it points to when it is a name lock. */
  const readOwnJob = async (name: string, signal?: AbortSignal): Promise<{ job: JobInfo; child?: string }> => {
    validateSandboxName(name);
    try {
      const job = (await nomad().jobs.info(jobIdFor(name), { namespace, signal })).data;
      const child = lockedChild(job);
      return child ? { job, child } : { job };
    } catch (err) {
      if (isMissingJob(err)) throw missing(name, err);
      throw err;
    }
  };

  /** The job that runs `name`: `agentkernel-<name>`, or the warm child its name lock points to. */
  const readJob = async (name: string, signal?: AbortSignal): Promise<JobInfo> => {
    const { job, child } = await readOwnJob(name, signal);
    if (!child) return job;
    const claimed = await warm.names.readChild(child, signal);
    if (!claimed) throw missing(name);
    return claimed;
  };
  const allocsOf = async (jobId: string, signal?: AbortSignal): Promise<AllocationListStub[]> =>
    (await nomad().jobs.allocations(jobId, { namespace, signal })).data;
  const usable = (alloc: AllocationListStub | undefined): alloc is AllocationListStub =>
    alloc?.DesiredStatus === "run" && isExecReady(alloc);
  /** Use of a claimed warm sandbox pushes its idle deadline (throttled, best effort, never awaited by exec). */
  const used = (name: string, alloc: AllocationListStub): AllocationListStub => {
    if (alloc.JobID && alloc.JobID !== jobIdFor(name)) void warm.names.touch(alloc.JobID);
    return alloc;
  };
  const notRunning = (name: string, job: JobInfo, alloc: AllocationListStub | undefined) => {
    const { status, detail } = statusFromAlloc(job, alloc);
    return new NotRunningError(`${where(name)} is ${status}${detail ? ` (${detail})` : ""}; start it first`, {
      backend: BACKEND_ID,
    });
  };

  /**
   * The running allocation: a recent hint (alloc-hints.ts), else one read of `agentkernel-<name>`'s allocations
   * (REFERENCE: `[]` for an unknown job), else the job itself: a name lock leads to its warm child's allocations,
   * anything else explains why it does not run. A rescheduled or lost allocation is never reused: only
   * `DesiredStatus: run` and a running task.
   */
  const runningAlloc = async (name: string, signal?: AbortSignal): Promise<AllocationListStub> => {
    validateSandboxName(name);
    const hinted = hints.alloc(name);
    if (hinted) return used(name, hinted);
    const direct = currentAlloc(await allocsOf(jobIdFor(name), signal));
    if (usable(direct)) return direct;
    const { job, child } = await readOwnJob(name, signal);
    if (child) {
      const alloc = currentAlloc(await allocsOf(child, signal));
      if (usable(alloc)) return used(name, alloc);
      const claimed = await warm.names.readChild(child, signal);
      if (!claimed) throw missing(name);
      throw notRunning(name, claimed, alloc);
    }
    const alloc = job.Stop ? undefined : direct;
    if (!alloc || !isExecReady(alloc)) throw notRunning(name, job, alloc);
    return alloc;
  };
  const execIn =
    (alloc: AllocationListStub) =>
    (command: string[], tty = false) =>
      nomad().exec.start(alloc.ID, { task: TASK_NAME, command, tty, namespace });

  /** Keeps the allocation hint honest: a finished exec confirms it, a refused one (not running, gone) drops it. */
  const track = (name: string, alloc: AllocationListStub, outcome: Promise<unknown>): void => {
    outcome.then(
      () => hints.confirm(name, alloc),
      (err: unknown) => {
        if (hasErrorCode(err, "NOT_RUNNING") || hasErrorCode(err, "NOT_FOUND")) hints.dropAlloc(name, alloc.ID);
      },
    );
  };

  const exec = async (name: string, request: ExecRequest): Promise<ExecSession> => {
    const alloc = await runningAlloc(name, request.signal);
    const start = execIn(alloc);
    const session = await startExecSession(
      execTransport(start, where(name), (err) =>
        toCoreError(err, { action: `exec in ${where(name)}`, capability: "alloc-exec", namespace }),
      ),
      request,
      where(name),
    ).catch((err: unknown) => {
      track(name, alloc, Promise.reject(err));
      throw err;
    });
    track(name, alloc, session.exit);
    return session;
  };

  return { readJob, allocsOf, runningAlloc, execIn, exec };
}
