/** Follows a registered start to "running": one event stream, with the blocking-query path as fallback. */
import { AbortedError, PlacementFailedError, type StartOptions } from "@agentkernel/core";
import { type AllocationListStub, type EventFrame, type Evaluation, type NomadClient, watch } from "./client/index.js";
import { jobIdFor, TASK_NAME } from "./job-meta.js";
import { explainFailedPlacement } from "./placement.js";
import { describeTaskEvents, isExecReady } from "./sandbox-status.js";

const BACKEND = "nomad";
/** Silence on the stream before its first matching event that sends the start to blocking queries. */
export const DEFAULT_STREAM_QUIET_MS = 3_000;

/** What the start flow needs from the backend. */
export interface StartContext {
  client: NomadClient;
  namespace: string | undefined;
  driver: string;
  datacenters: string[];
  startTimeoutMs: number;
  blockingWaitMs: number;
  /** Silence before the first matching event after which the stream is dropped for blocking queries (default 3 s). */
  streamQuietMs?: number;
}

/** What Nomad answered to the start's register: where following begins. */
export interface Registered {
  evalId: string;
  /** The job's JobModifyIndex after the register: allocations created later are ours. */
  jobModifyIndex: number;
  /** The register's raft index (X-Nomad-Index); the stream replays from it (inclusive). */
  index: number;
}

type Phase = "pulling" | "starting" | "running";
type Progress = (phase: Phase, message: string) => void;

/** Each phase is reported once, whichever path (stream or blocking) sees it first. */
function progressOnce(onProgress: StartOptions["onProgress"]): Progress {
  const said = new Set<Phase>();
  return (phase, message) => {
    if (said.has(phase)) return;
    said.add(phase);
    onProgress?.({ phase, message });
  };
}

/** True once our eval is complete; throws when it failed or could not place (FailedTGAllocs); false while pending. */
function evalSettled(ctx: StartContext, name: string, ev: Evaluation): boolean {
  if (ev.Status === "pending" || ev.Status === "blocked") return false;
  const failed = ev.FailedTGAllocs ?? {};
  if (Object.keys(failed).length > 0) {
    const { explanation, hint } = explainFailedPlacement(failed, { driver: ctx.driver, datacenters: ctx.datacenters });
    throw new PlacementFailedError(`sandbox "${name}" could not be placed: ${explanation}; ${hint}`, { backend: BACKEND });
  }
  if (ev.Status !== "complete") {
    throw new PlacementFailedError(
      `sandbox "${name}": Nomad's evaluation ${ev.Status}${ev.StatusDescription ? ` (${ev.StatusDescription})` : ""}`,
      { backend: BACKEND },
    );
  }
  return true;
}

/** Our allocation among `allocs`: placed by our eval or created after our register, newest first. */
function pickOurs(allocs: Iterable<AllocationListStub>, evalId: string, jobModifyIndex: number): AllocationListStub | undefined {
  let best: AllocationListStub | undefined;
  for (const a of allocs) {
    if (a.EvalID !== evalId && a.CreateIndex <= jobModifyIndex) continue;
    if (!best || a.CreateIndex > best.CreateIndex) best = a;
  }
  return best;
}

/** Returns `ours` once exec can run; undefined while it is still starting; throws when it failed. */
function readyOrFailed(name: string, ours: AllocationListStub, progress: Progress): AllocationListStub | undefined {
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
    return undefined;
  }
  const why = describeTaskEvents(events) || ours.ClientDescription || ours.ClientStatus;
  throw new PlacementFailedError(`sandbox "${name}" failed to start (allocation ${ours.ClientStatus}): ${why}`, {
    backend: BACKEND,
  });
}

function aborted(name: string, cause?: unknown): AbortedError {
  return new AbortedError(`start of sandbox "${name}" was aborted`, { backend: BACKEND, cause });
}

/** Blocking-query fallback: follows the eval until terminal. */
async function followEvaluation(ctx: StartContext, name: string, evalId: string, signal: AbortSignal): Promise<void> {
  const evals = watch((q) => ctx.client.evaluations.info(evalId, { ...q, namespace: ctx.namespace, signal }), {
    waitMs: ctx.blockingWaitMs,
    signal,
  });
  for await (const { data } of evals) if (evalSettled(ctx, name, data)) return;
  throw aborted(name);
}

/** Blocking-query fallback: follows the job's allocations until ours runs. */
async function waitForRunning(
  ctx: StartContext,
  name: string,
  reg: Registered,
  signal: AbortSignal,
  progress: Progress,
): Promise<AllocationListStub> {
  const jobId = jobIdFor(name);
  const allocs = watch((q) => ctx.client.jobs.allocations(jobId, { ...q, namespace: ctx.namespace, signal }), {
    waitMs: ctx.blockingWaitMs,
    signal,
  });
  for await (const { data } of allocs) {
    const ours = pickOurs(data, reg.evalId, reg.jobModifyIndex);
    const ready = ours && readyOrFailed(name, ours, progress);
    if (ready) return ready;
  }
  throw aborted(name);
}

type StreamOutcome = { alloc: AllocationListStub } | { fallback: true; evalDone: boolean };

/**
 * Follows the start on `/v1/event/stream` from the register's index (inclusive, so nothing that already happened is
 * missed). Gives up (→ fallback) when the stream cannot open, ends, breaks, or stays silent: `quietMs` before the first
 * event about our eval or allocation (an evicted index replays nothing of ours), `blockingWaitMs` after it (a stall).
 * The stream is closed before this returns or throws.
 */
async function followStream(
  ctx: StartContext,
  name: string,
  reg: Registered,
  signal: AbortSignal,
  progress: Progress,
): Promise<StreamOutcome> {
  const jobId = jobIdFor(name);
  const quietMs = ctx.streamQuietMs ?? DEFAULT_STREAM_QUIET_MS;
  const own = new AbortController();
  let seen = false;
  let evalDone = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => own.abort(), seen ? Math.max(quietMs, ctx.blockingWaitMs) : quietMs);
  };
  arm();
  const frames = ctx.client.events
    .stream({
      topics: { Allocation: [jobId], Evaluation: [jobId] },
      index: reg.index,
      namespace: ctx.namespace,
      signal: AbortSignal.any([signal, own.signal]),
    })
    [Symbol.asyncIterator]();
  const allocs = new Map<string, AllocationListStub>();
  try {
    for (;;) {
      let next: IteratorResult<EventFrame>;
      try {
        next = await frames.next();
      } catch (err) {
        if (signal.aborted) throw aborted(name, err);
        return { fallback: true, evalDone };
      }
      if (next.done) return { fallback: true, evalDone };
      let ourEvent = false;
      for (const e of next.value.Events) {
        const ev = e.Topic === "Evaluation" ? e.Payload.Evaluation : undefined;
        if (ev?.ID === reg.evalId) {
          ourEvent = true;
          evalDone = evalSettled(ctx, name, ev) || evalDone;
        }
        const a = e.Topic === "Allocation" ? e.Payload.Allocation : undefined;
        if (a?.JobID === jobId && pickOurs([a], reg.evalId, reg.jobModifyIndex)) {
          ourEvent = true;
          const known = allocs.get(a.ID);
          if (!known || known.ModifyIndex <= a.ModifyIndex) allocs.set(a.ID, a);
        }
      }
      if (!ourEvent) continue;
      seen = true;
      arm();
      const ours = pickOurs(allocs.values(), reg.evalId, reg.jobModifyIndex);
      const ready = ours && readyOrFailed(name, ours, progress);
      if (ready) return { alloc: ready };
    }
  } finally {
    clearTimeout(timer);
    own.abort();
    await frames.return?.().catch(() => undefined);
  }
}

/**
 * Waits until the registered start runs: the event stream first (one request), the eval and allocation blocking
 * queries for whatever the stream could not settle. Throws PlacementFailedError when Nomad cannot place the sandbox
 * or its task fails, AbortedError when `signal` fires. Stopping the job on failure is the caller's.
 */
export async function followStart(
  ctx: StartContext,
  name: string,
  reg: Registered,
  signal: AbortSignal,
  onProgress: StartOptions["onProgress"],
): Promise<AllocationListStub> {
  const progress = progressOnce(onProgress);
  const streamed = await followStream(ctx, name, reg, signal, progress);
  if ("alloc" in streamed) return streamed.alloc;
  if (!streamed.evalDone) await followEvaluation(ctx, name, reg.evalId, signal);
  return waitForRunning(ctx, name, reg, signal, progress);
}
