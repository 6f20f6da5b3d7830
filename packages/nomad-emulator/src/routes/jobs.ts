/** /v1/jobs and /v1/job/:id: register, list, read, stop/purge, allocations, evaluations, summary. */
import { blockingQuery, parseBlocking } from "../blocking.js";
import { HttpError, asRecord, readJson } from "../http-util.js";
import { nowNs } from "../ids.js";
import { canonicalizeJob, specFingerprint } from "../job-canonicalize.js";
import { jobStub, jobSummary } from "../job-status.js";
import { jobWarnings, multierror, validateJob } from "../job-validate.js";
import { filterFrom, paginate } from "../paginate.js";
import { type Call, WRITE_META, nsOf, readOne, requireCap, sendRead, sendWrite } from "../route-context.js";
import { nsKey } from "../state.js";
import type { JobSpec } from "../types.js";

const ENFORCE = "Enforcing job modify index";

/** PUT|POST /v1/jobs and /v1/job/:id. */
export async function registerJob(c: Call, pathId?: string): Promise<void> {
  const body = await readJson(c.req);
  const raw = asRecord(body.Job);
  if (!raw) throw new HttpError(400, "Job must be specified");
  if (typeof raw.ID !== "string") throw new HttpError(400, "Job ID hasn't been provided");
  if (pathId !== undefined && raw.ID !== pathId) throw new HttpError(400, "Job ID does not match name");
  const queryNs = c.url.searchParams.get("namespace");
  const ns =
    queryNs ||
    (typeof body.Namespace === "string" && body.Namespace) ||
    (typeof raw.Namespace === "string" && raw.Namespace) ||
    "default";
  requireCap(c, ns, "submit-job");
  const job = canonicalizeJob(raw, ns, c.emu.region);
  const errs = validateJob(job);
  if (errs.length > 0) throw new HttpError(500, multierror(errs));
  const { state, sched } = c.emu;
  const existing = state.jobs.get(nsKey(ns, job.ID));
  if (body.EnforceIndex === true) {
    const jmi = typeof body.JobModifyIndex === "number" ? body.JobModifyIndex : 0;
    if (existing) {
      if (jmi === 0) throw new HttpError(500, `${ENFORCE} 0: job already exists`);
      if (jmi !== existing.JobModifyIndex)
        throw new HttpError(500, `${ENFORCE} ${jmi}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`);
    } else if (jmi !== 0) throw new HttpError(500, `${ENFORCE} ${jmi}: job does not exist`);
  }
  const out = state.write(["jobs", "evals"], (index) => {
    let stored: JobSpec;
    if (existing && specFingerprint(existing) === specFingerprint({ ...job, ParentID: existing.ParentID })) {
      stored = existing;
    } else {
      stored = job;
      if (existing) {
        stored.ParentID = existing.ParentID;
        stored.Dispatched = existing.Dispatched;
        stored.Payload = existing.Payload;
      }
      stored.Version = existing ? existing.Version + 1 : 0;
      stored.CreateIndex = existing ? existing.CreateIndex : index;
      stored.ModifyIndex = index;
      stored.JobModifyIndex = index;
      stored.SubmitTime = nowNs();
      stored.Status = existing?.Status ?? "pending";
      state.putJob(stored);
    }
    state.publish({
      Topic: "Job",
      Type: "JobRegistered",
      Key: stored.ID,
      Namespace: ns,
      FilterKeys: null,
      Payload: { Job: stored },
    });
    const noEval = stored.ParameterizedJob !== null || stored.Periodic !== null;
    const ev = noEval ? undefined : sched.createEval(stored, "job-register", index, {}, "JobRegistered");
    state.touchJob(ns, stored.ID);
    return {
      EvalID: ev?.ID ?? "",
      EvalCreateIndex: ev ? index : 0,
      JobModifyIndex: stored.JobModifyIndex,
      Warnings: jobWarnings(stored).join("\n"),
      Index: index,
    };
  });
  sendWrite(c, out.Index, { ...out, ...WRITE_META });
}

/** GET /v1/jobs. */
export async function listJobs(c: Call): Promise<void> {
  const ns = nsOf(c);
  const all = ns === "*";
  if (!all) requireCap(c, ns, "list-jobs");
  const prefix = c.url.searchParams.get("prefix") ?? "";
  const withMeta = c.url.searchParams.get("meta") === "true";
  const filter = filterFrom(c.url);
  const { state } = c.emu;
  const r = await blockingQuery(
    state,
    parseBlocking(c.url),
    () => {
      const keys = state.jobKeysSorted();
      const jobs: JobSpec[] = [];
      for (const k of keys) {
        const j = state.jobs.get(k);
        if (!j || (!all && j.Namespace !== ns) || !j.ID.startsWith(prefix)) continue;
        if (all && !c.emu.acl.allows(c.token, j.Namespace, "list-jobs")) continue;
        jobs.push(j);
      }
      const { page, nextToken } = paginate(jobs, c.url, {
        filter,
        full: (j) => j,
        token: (j) => `${j.Namespace}.${j.ID}`,
        atOrAfter: (j, t) => {
          const dot = t.indexOf(".");
          const tns = dot < 0 ? "" : t.slice(0, dot);
          const tid = dot < 0 ? t : t.slice(dot + 1);
          return j.Namespace > tns || (j.Namespace === tns && j.ID >= tid);
        },
      });
      return { index: state.tables.jobs, page, nextToken };
    },
    c.signal,
    ["jobs"],
  );
  sendRead(
    c,
    r.index,
    r.page.map((j) => jobStub(state, j, withMeta)),
    r.nextToken ? { nextToken: r.nextToken } : {},
  );
}

/** GET /v1/job/:id. */
export async function readJob(c: Call): Promise<void> {
  const ns = nsOf(c);
  requireCap(c, ns, "read-job");
  const { state } = c.emu;
  const r = await readOne(
    c,
    ["jobs"],
    () => state.jobs.get(nsKey(ns, c.param)),
    (job) => job.ModifyIndex,
    "job not found",
  );
  sendRead(c, r.index, r.obj);
}

/** DELETE /v1/job/:id (stop, or purge). */
export function deregisterJob(c: Call): void {
  const ns = nsOf(c);
  requireCap(c, ns, "submit-job");
  const purge = c.url.searchParams.get("purge") === "true";
  const { state, sched } = c.emu;
  const existing = state.jobs.get(nsKey(ns, c.param));
  const empty = {
    EvalID: "",
    EvalCreateIndex: 0,
    JobModifyIndex: 0,
    VolumeEvalID: "",
    VolumeEvalIndex: 0,
    Index: 0,
    ...WRITE_META,
  };
  if (!existing) {
    sendWrite(c, 0, empty);
    return;
  }
  const out = state.write(["jobs", "evals"], (index) => {
    let job = existing;
    if (purge) {
      state.deleteJob(ns, existing.ID);
    } else {
      job = {
        ...existing,
        Stop: true,
        Version: existing.Version + 1,
        ModifyIndex: index,
        JobModifyIndex: index,
        SubmitTime: nowNs(),
      };
      state.putJob(job);
    }
    state.publish({ Topic: "Job", Type: "JobDeregistered", Key: job.ID, Namespace: ns, FilterKeys: null, Payload: { Job: job } });
    const noEval = job.ParameterizedJob !== null || job.Periodic !== null;
    const ev = noEval ? undefined : sched.createEval(job, "job-deregister", index, {}, "JobDeregistered");
    return { ...empty, EvalID: ev?.ID ?? "", EvalCreateIndex: ev ? index : 0, JobModifyIndex: purge ? 0 : index, Index: index };
  });
  sendWrite(c, out.Index, out);
}

/** GET /v1/job/:id/allocations. */
export async function jobAllocations(c: Call): Promise<void> {
  const ns = nsOf(c);
  requireCap(c, ns, "read-job");
  const all = c.url.searchParams.get("all") === "true";
  const { state } = c.emu;
  const r = await blockingQuery(state, parseBlocking(c.url), () => ({ index: state.tables.allocs }), c.signal, ["allocs"]);
  const job = state.jobs.get(nsKey(ns, c.param));
  const allocs = state
    .allocsOf(ns, c.param)
    .filter((a) => all || !job || a.Job.CreateIndex === job.CreateIndex)
    .sort((a, b) => a.CreateIndex - b.CreateIndex);
  sendRead(
    c,
    r.index,
    allocs.map((a) => a.toStub()),
  );
}

/** GET /v1/job/:id/evaluations. */
export async function jobEvaluations(c: Call): Promise<void> {
  const ns = nsOf(c);
  requireCap(c, ns, "read-job");
  const { state } = c.emu;
  const r = await blockingQuery(state, parseBlocking(c.url), () => ({ index: state.tables.evals }), c.signal, ["evals"]);
  sendRead(
    c,
    r.index,
    state.evalsOf(ns, c.param).sort((a, b) => a.CreateIndex - b.CreateIndex),
  );
}

/** GET /v1/job/:id/summary. */
export async function jobSummaryRoute(c: Call): Promise<void> {
  const ns = nsOf(c);
  requireCap(c, ns, "read-job");
  const { state } = c.emu;
  const r = await readOne(
    c,
    ["jobs", "allocs", "evals"],
    () => {
      const job = state.jobs.get(nsKey(ns, c.param));
      return job ? jobSummary(state, job) : undefined;
    },
    (summary) => summary.ModifyIndex as number,
    "job not found",
  );
  sendRead(c, r.index, r.obj);
}
