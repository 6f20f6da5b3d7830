/** start(): re-register the stopped job (from what create registered when we know it), then follow it until the task runs. */
import { AbortedError, NotFoundError, type StartOptions, TimeoutError } from "@agentkernel/core";
import type { AllocationListStub, JobInfo, NomadJob } from "./client/index.js";
import { isConflictingIndex, isMissingJob } from "./job-cas.js";
import { jobIdFor } from "./job-meta.js";
import { isExecReady } from "./sandbox-status.js";
import { followStart, type Registered, type StartContext } from "./start-follow.js";

export type { StartContext } from "./start-follow.js";

const BACKEND = "nomad";
const SERVER_FIELDS = [
  "Status",
  "StatusDescription",
  "Version",
  "Stable",
  "SubmitTime",
  "CreateIndex",
  "ModifyIndex",
  "JobModifyIndex",
  "Dispatched",
  "Payload",
  "JobSummary",
] as const;

/** The job this process registered at create (`Stop: true`) and the JobModifyIndex Nomad answered. */
export interface KnownJob {
  job: NomadJob;
  jobModifyIndex: number;
}

/** The stored job as a register body: server-managed fields dropped, `Stop` set. */
export function jobForRegister(info: JobInfo, stop: boolean): NomadJob {
  const job: Record<string, unknown> = { ...info };
  for (const key of SERVER_FIELDS) delete job[key];
  return { ...(job as unknown as NomadJob), Stop: stop };
}

function notFound(name: string, cause?: unknown): NotFoundError {
  return new NotFoundError(`sandbox "${name}" does not exist; create it first`, { backend: BACKEND, cause });
}

/** Stops the job after a failed start so nothing keeps running (best effort; the original error wins). */
async function stopQuietly(ctx: StartContext, jobId: string): Promise<void> {
  await ctx.client.jobs.deregister(jobId, { namespace: ctx.namespace, timeoutMs: 15_000 }).catch(() => undefined);
}

/** What a start ends with: the running allocation and the job as stored now (no need to read it back). */
export interface StartedSandbox {
  alloc: AllocationListStub;
  /** The stored job: create's body when `known` held, else what was read (`Stop: false` once re-registered). */
  job: JobInfo;
}

/** A start's register: what to follow, and the job as it is now stored. */
interface StartRegister {
  registered: Registered;
  job: JobInfo;
}

/** Registers `job` with `Stop: false` under check-and-set on `jobModifyIndex`; a vanished job is a NotFoundError. */
async function registerRunning(
  ctx: StartContext,
  name: string,
  job: NomadJob,
  jobModifyIndex: number,
  signal: AbortSignal,
): Promise<StartRegister> {
  try {
    const body = { ...job, Stop: false };
    const { data, meta } = await ctx.client.jobs.register(body, {
      namespace: ctx.namespace,
      enforceIndex: true,
      jobModifyIndex,
      signal,
    });
    return {
      registered: { evalId: data.EvalID, jobModifyIndex: data.JobModifyIndex, index: meta.lastIndex || data.EvalCreateIndex },
      job: { ...body, JobModifyIndex: data.JobModifyIndex },
    };
  } catch (err) {
    throw isMissingJob(err) ? notFound(name, err) : err;
  }
}

/** The read-first register: GET the job, return its allocation if it already runs, else re-register what was read. */
async function registerFromStored(
  ctx: StartContext,
  name: string,
  signal: AbortSignal,
  placing: () => void,
): Promise<StartRegister | StartedSandbox> {
  const jobId = jobIdFor(name);
  let info: JobInfo;
  try {
    info = (await ctx.client.jobs.info(jobId, { namespace: ctx.namespace, signal })).data;
  } catch (err) {
    throw isMissingJob(err) ? notFound(name, err) : err;
  }
  // A claimed warm sandbox's name lock is no sandbox job: never re-register it (the backend resolves the child).
  if (info.ParameterizedJob) throw notFound(name);
  if (!info.Stop) {
    const { data } = await ctx.client.jobs.allocations(jobId, { namespace: ctx.namespace, signal });
    const running = data.find((a) => isExecReady(a));
    if (running) return { alloc: running, job: info };
    // Not running (failed, lost, exited): stop it first so the re-register below places a fresh allocation.
    const stopped = await ctx.client.jobs.deregister(jobId, { namespace: ctx.namespace, signal });
    info = { ...info, JobModifyIndex: stopped.data.JobModifyIndex };
  }
  placing();
  const started = await registerRunning(ctx, name, jobForRegister(info, false), info.JobModifyIndex ?? 0, signal);
  // Keep the server fields that were read (SubmitTime, Version…) beside the register body.
  return { ...started, job: { ...info, ...started.job } };
}

/**
 * Starts a sandbox. With `known` (what this process registered at create) it registers `Stop: false` under
 * check-and-set on that index without reading first; if the job changed since, or without `known`, it reads the
 * stored job and registers that under check-and-set (a concurrent remove is a NotFoundError, never a resurrection).
 * It then follows the start on one event stream (blocking queries as fallback). Any failure, timeout or abort
 * stops the job again so nothing is left running.
 */
export async function startSandboxJob(
  ctx: StartContext,
  name: string,
  options: StartOptions = {},
  known?: KnownJob,
): Promise<StartedSandbox> {
  const jobId = jobIdFor(name);
  const deadline = AbortSignal.timeout(ctx.startTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let saidPlacing = false;
  const placing = () => {
    if (!saidPlacing) options.onProgress?.({ phase: "placing", message: `asking Nomad to place sandbox "${name}"` });
    saidPlacing = true;
  };
  let registered: StartRegister | StartedSandbox | undefined;
  if (known) {
    placing();
    registered = await registerRunning(ctx, name, known.job, known.jobModifyIndex, signal).catch((err: unknown) => {
      // Someone changed the job since create (started, stopped, updated it): fall back to reading what is stored.
      if (isConflictingIndex(err)) return undefined;
      throw err;
    });
  }
  registered ??= await registerFromStored(ctx, name, signal, placing);
  if ("alloc" in registered) return registered;
  const { job } = registered;
  try {
    const alloc = await followStart(ctx, name, registered.registered, signal, options.onProgress);
    return { alloc, job: { ...job, Status: "running" } };
  } catch (err) {
    await stopQuietly(ctx, jobId);
    if (options.signal?.aborted) {
      throw new AbortedError(`start of sandbox "${name}" was aborted; the job was stopped`, { backend: BACKEND, cause: err });
    }
    if (deadline.aborted) {
      throw new TimeoutError(
        `sandbox "${name}" did not start within ${ctx.startTimeoutMs} ms; the job was stopped (raise startTimeoutMs for slow image pulls)`,
        { backend: BACKEND, cause: err },
      );
    }
    throw err;
  }
}
