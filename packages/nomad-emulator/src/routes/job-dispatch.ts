/** PUT|POST /v1/job/:id/dispatch: child jobs of a parameterized parent, with Nomad's payload and meta rules. */
import { randomUUID } from "node:crypto";
import { HttpError, asStringMap, readBody, readJsonOptional } from "../http-util.js";
import { nowNs } from "../ids.js";
import { type Call, nsOf, requireCap, sendWrite } from "../route-context.js";
import { nsKey } from "../state.js";
import type { JobSpec } from "../types.js";

const PAYLOAD_LIMIT = 16 * 1024;

/** Idempotency tokens: parent key + token → child ID. */
const idempotency = new WeakMap<object, Map<string, string>>();

function validate(job: JobSpec, payload: Buffer, meta: Record<string, string>): void {
  const p = job.ParameterizedJob;
  if (!p) return;
  const has = payload.length !== 0;
  if (p.Payload === "required" && !has) throw new HttpError(500, "Payload is not provided but required by parameterized job");
  if (p.Payload === "forbidden" && has) throw new HttpError(500, "Payload provided but forbidden by parameterized job");
  if (payload.length > PAYLOAD_LIMIT)
    throw new HttpError(500, `Payload exceeds maximum size; ${payload.length} > ${PAYLOAD_LIMIT}`);
  const req = new Set(p.MetaRequired ?? []);
  const opt = new Set(p.MetaOptional ?? []);
  const unpermitted = Object.keys(meta).filter((k) => !req.has(k) && !opt.has(k));
  if (unpermitted.length > 0)
    throw new HttpError(500, `Dispatch request included unpermitted metadata keys: [${unpermitted.sort().join(" ")}]`);
  const missing = (p.MetaRequired ?? []).filter((k) => !(k in meta));
  if (missing.length > 0) throw new HttpError(500, `Dispatch did not provide required meta keys: [${missing.join(" ")}]`);
}

/** Dispatches a child. `rawPayload` is the `/dispatch/payload` form where the body is the payload itself. */
export async function dispatchJob(c: Call, rawPayload = false): Promise<void> {
  const ns = nsOf(c);
  let payload: Buffer;
  let meta: Record<string, string> = {};
  let prefixTemplate = "";
  let priority = 0;
  if (rawPayload) {
    payload = await readBody(c.req);
  } else {
    const body = await readJsonOptional(c.req);
    if (typeof body.JobID === "string" && body.JobID !== "" && body.JobID !== c.param)
      throw new HttpError(400, "Job ID does not match");
    payload = typeof body.Payload === "string" ? Buffer.from(body.Payload, "base64") : Buffer.alloc(0);
    meta = asStringMap(body.Meta) ?? {};
    prefixTemplate = typeof body.IdPrefixTemplate === "string" ? body.IdPrefixTemplate : "";
    if (typeof body.Priority === "number" && body.Priority > 0) priority = body.Priority;
  }
  requireCap(c, ns, "dispatch-job");
  const { state, sched } = c.emu;
  const parent = state.jobs.get(nsKey(ns, c.param));
  if (!parent) throw new HttpError(500, "parameterized job not found");
  if (!parent.ParameterizedJob) throw new HttpError(500, `Specified job "${parent.ID}" is not a parameterized job`);
  if (parent.Stop) throw new HttpError(500, `Specified job "${parent.ID}" is stopped`);
  validate(parent, payload, meta);
  const token = c.url.searchParams.get("idempotency_token") ?? "";
  let tokens = idempotency.get(parent);
  if (!tokens) {
    tokens = new Map();
    idempotency.set(parent, tokens);
  }
  const prior = token ? tokens.get(token) : undefined;
  const priorJob = prior ? state.jobs.get(nsKey(ns, prior)) : undefined;
  if (priorJob) {
    const ev = state.evalsOf(ns, priorJob.ID)[0];
    sendWrite(c, state.index, {
      DispatchedJobID: priorJob.ID,
      EvalID: ev?.ID ?? "",
      EvalCreateIndex: ev?.CreateIndex ?? 0,
      JobCreateIndex: priorJob.CreateIndex,
      Index: state.index,
    });
    return;
  }
  const unix = Math.floor(Date.now() / 1000);
  const childId = `${parent.ID}/dispatch-${prefixTemplate ? `${prefixTemplate}-` : ""}${unix}-${randomUUID().slice(0, 8)}`;
  const out = state.write(["jobs", "evals"], (index) => {
    const mergedMeta = { ...(parent.Meta ?? {}), ...meta };
    const child: JobSpec = {
      ...structuredClone(parent),
      ID: childId,
      Name: childId,
      ParentID: parent.ID,
      Dispatched: true,
      ParameterizedJob: null,
      Priority: priority || parent.Priority,
      Meta: Object.keys(mergedMeta).length > 0 ? mergedMeta : null,
      Payload: payload.length > 0 ? payload.toString("base64") : null,
      Status: "pending",
      Version: 0,
      CreateIndex: index,
      ModifyIndex: index,
      JobModifyIndex: index,
      SubmitTime: nowNs(),
    };
    state.putJob(child);
    if (payload.length > 0) sched.payloads.set(nsKey(ns, childId), payload);
    state.publish({
      Topic: "Job",
      Type: "JobRegistered",
      Key: childId,
      Namespace: ns,
      FilterKeys: null,
      Payload: { Job: child },
    });
    const ev = sched.createEval(child, "job-register", index, {}, "JobRegistered");
    state.touchJob(ns, parent.ID);
    return { DispatchedJobID: childId, EvalID: ev.ID, EvalCreateIndex: index, JobCreateIndex: index, Index: index };
  });
  if (token) tokens.set(token, childId);
  sendWrite(c, out.Index, out);
}
