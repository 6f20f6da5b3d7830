/** start(): re-register the stopped job, follow its evaluation, then its allocation until the task runs. */
import {
  AbortedError,
  AgentkernelError,
  NotFoundError,
  PlacementFailedError,
  type StartOptions,
  TimeoutError,
} from "@agentkernel/core";
import {
  type AllocationListStub,
  type Evaluation,
  type JobInfo,
  type NomadClient,
  type NomadJob,
  NomadResponseError,
  watch,
} from "./client/index.js";
import { jobIdFor, TASK_NAME } from "./job-meta.js";
import { explainFailedPlacement } from "./placement.js";
import { describeTaskEvents, isExecReady } from "./sandbox-status.js";

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

/** What the start flow needs from the backend. */
export interface StartContext {
  client: NomadClient;
  namespace: string | undefined;
  driver: string;
  datacenters: string[];
  startTimeoutMs: number;
  blockingWaitMs: number;
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

/** True when `err` (or its cause) is Nomad's "job does not exist" check-and-set failure or a 404. */
export function isMissingJob(err: unknown): boolean {
  const cause = AgentkernelError.isInstance(err) ? err.cause : err;
  if (AgentkernelError.isInstance(err) && err.code === "NOT_FOUND") return true;
  return cause instanceof NomadResponseError && /job does not exist/.test(cause.body);
}

/** Stops the job after a failed start so nothing keeps running (best effort; the original error wins). */
async function stopQuietly(ctx: StartContext, jobId: string): Promise<void> {
  await ctx.client.jobs.deregister(jobId, { namespace: ctx.namespace, timeoutMs: 15_000 }).catch(() => undefined);
}

/** Follows the eval until terminal; FailedTGAllocs → PlacementFailedError. */
async function followEvaluation(ctx: StartContext, name: string, evalId: string, signal: AbortSignal): Promise<Evaluation> {
  const evals = watch((q) => ctx.client.evaluations.info(evalId, { ...q, namespace: ctx.namespace, signal }), {
    waitMs: ctx.blockingWaitMs,
    signal,
  });
  for await (const { data } of evals) {
    if (data.Status === "pending" || data.Status === "blocked") continue;
    const failed = data.FailedTGAllocs ?? {};
    if (Object.keys(failed).length > 0) {
      const { explanation, hint } = explainFailedPlacement(failed, { driver: ctx.driver, datacenters: ctx.datacenters });
      throw new PlacementFailedError(`sandbox "${name}" could not be placed: ${explanation}; ${hint}`, { backend: BACKEND });
    }
    if (data.Status !== "complete") {
      throw new PlacementFailedError(
        `sandbox "${name}": Nomad's evaluation ${data.Status}${data.StatusDescription ? ` (${data.StatusDescription})` : ""}`,
        { backend: BACKEND },
      );
    }
    return data;
  }
  throw new AbortedError(`start of sandbox "${name}" was aborted`, { backend: BACKEND });
}

/** Follows the job's allocations (blocking queries) until ours runs; reports progress from TaskEvents. */
async function waitForRunning(
  ctx: StartContext,
  name: string,
  evaluation: Evaluation,
  jobModifyIndex: number,
  signal: AbortSignal,
  onProgress: StartOptions["onProgress"],
): Promise<AllocationListStub> {
  const jobId = jobIdFor(name);
  const said = new Set<string>();
  const progress = (phase: "pulling" | "starting" | "running", message: string) => {
    if (said.has(phase)) return;
    said.add(phase);
    onProgress?.({ phase, message });
  };
  const allocs = watch((q) => ctx.client.jobs.allocations(jobId, { ...q, namespace: ctx.namespace, signal }), {
    waitMs: ctx.blockingWaitMs,
    signal,
  });
  for await (const { data } of allocs) {
    const ours = data
      .filter((a) => a.EvalID === evaluation.ID || a.CreateIndex > jobModifyIndex)
      .sort((a, b) => b.CreateIndex - a.CreateIndex)[0];
    if (!ours) continue;
    const task = ours.TaskStates?.[TASK_NAME];
    const events = task?.Events ?? [];
    const pull = events.find((e) => e.Type === "Driver" && /download|pull/i.test(e.DisplayMessage ?? e.Message ?? ""));
    if (pull) progress("pulling", pull.DisplayMessage ?? "pulling the image");
    if (isExecReady(ours)) {
      progress("running", `running in allocation ${ours.ID} on ${ours.NodeName ?? ours.NodeID}`);
      return ours;
    }
    if (ours.ClientStatus === "pending" || (ours.ClientStatus === "running" && task?.State !== "dead")) {
      progress("starting", `allocation ${ours.ID} placed on ${ours.NodeName ?? ours.NodeID}; starting the task`);
      continue;
    }
    const why = describeTaskEvents(events) || ours.ClientDescription || ours.ClientStatus;
    throw new PlacementFailedError(`sandbox "${name}" failed to start (allocation ${ours.ClientStatus}): ${why}`, {
      backend: BACKEND,
    });
  }
  throw new AbortedError(`start of sandbox "${name}" was aborted`, { backend: BACKEND });
}

/**
 * Starts a sandbox. Re-registers the stored job with `Stop: false` under check-and-set on its
 * JobModifyIndex (a concurrent remove is a NotFoundError, never a resurrection), follows the evaluation,
 * then the allocation. Any failure, timeout or abort stops the job again so nothing is left running.
 */
export async function startSandbox(ctx: StartContext, name: string, options: StartOptions = {}): Promise<AllocationListStub> {
  const jobId = jobIdFor(name);
  const deadline = AbortSignal.timeout(ctx.startTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let info: JobInfo;
  try {
    info = (await ctx.client.jobs.info(jobId, { namespace: ctx.namespace, signal })).data;
  } catch (err) {
    throw isMissingJob(err) ? notFound(name, err) : err;
  }
  if (!info.Stop) {
    const { data } = await ctx.client.jobs.allocations(jobId, { namespace: ctx.namespace, signal });
    const running = data.find((a) => isExecReady(a));
    if (running) return running;
    // Not running (failed, lost, exited): stop it first so the re-register below places a fresh allocation.
    const stopped = await ctx.client.jobs.deregister(jobId, { namespace: ctx.namespace, signal });
    info = { ...info, JobModifyIndex: stopped.data.JobModifyIndex };
  }
  options.onProgress?.({ phase: "placing", message: `asking Nomad to place sandbox "${name}"` });
  let registered: Awaited<ReturnType<NomadClient["jobs"]["register"]>>;
  try {
    registered = await ctx.client.jobs.register(jobForRegister(info, false), {
      namespace: ctx.namespace,
      enforceIndex: true,
      jobModifyIndex: info.JobModifyIndex ?? 0,
      signal,
    });
  } catch (err) {
    throw isMissingJob(err) ? notFound(name, err) : err;
  }
  try {
    const evaluation = await followEvaluation(ctx, name, registered.data.EvalID, signal);
    return await waitForRunning(ctx, name, evaluation, registered.data.JobModifyIndex, signal, options.onProgress);
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
