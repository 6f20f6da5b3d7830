/** /v1/evaluation/:id, /v1/evaluation/:id/allocations and /v1/evaluations. */
import { blockingQuery, parseBlocking } from "../blocking.js";
import { HttpError } from "../http-util.js";
import { filterFrom, paginate } from "../paginate.js";
import { type Call, nsOf, readOne, requireCap, sendRead } from "../route-context.js";
import type { Evaluation } from "../types.js";

/** GET /v1/evaluation/:id (`related=true` adds RelatedEvals stubs). */
export async function readEval(c: Call): Promise<void> {
  const { state } = c.emu;
  const found = state.evals.get(c.param);
  if (found) requireCap(c, found.Namespace, "read-job");
  const { obj: e, index } = await readOne(
    c,
    ["evals"],
    () => state.evals.get(c.param),
    (x) => x.ModifyIndex,
    "eval not found",
  );
  let body: Evaluation | (Omit<Evaluation, "RelatedEvals"> & { RelatedEvals: unknown[] }) = e;
  if (c.url.searchParams.get("related") === "true") {
    const related = state
      .evalsOf(e.Namespace, e.JobID)
      .filter((x) => x.ID !== e.ID)
      .map((x) => ({
        ID: x.ID,
        Namespace: x.Namespace,
        Priority: x.Priority,
        Type: x.Type,
        TriggeredBy: x.TriggeredBy,
        JobID: x.JobID,
        Status: x.Status,
        StatusDescription: x.StatusDescription,
        NextEval: x.NextEval,
        PreviousEval: x.PreviousEval,
        BlockedEval: x.BlockedEval,
        CreateIndex: x.CreateIndex,
        ModifyIndex: x.ModifyIndex,
        CreateTime: x.CreateTime,
        ModifyTime: x.ModifyTime,
      }));
    body = { ...e, RelatedEvals: related };
  }
  sendRead(c, index, body);
}

/** GET /v1/evaluation/:id/allocations. */
export async function evalAllocations(c: Call): Promise<void> {
  const { state } = c.emu;
  const e = state.evals.get(c.param);
  if (e) requireCap(c, e.Namespace, "read-job");
  const r = await blockingQuery(state, parseBlocking(c.url), () => ({ index: state.tables.allocs }), c.signal, ["allocs"]);
  const allocs = [...state.allocs.values()].filter((a) => a.EvalID === c.param);
  sendRead(
    c,
    r.index,
    allocs.map((a) => a.toStub()),
  );
}

/** GET /v1/evaluations. */
export async function listEvals(c: Call): Promise<void> {
  const ns = nsOf(c);
  const all = ns === "*";
  if (!all) requireCap(c, ns, "read-job");
  const filter = filterFrom(c.url);
  const prefix = c.url.searchParams.get("prefix") ?? "";
  const jobFilter = c.url.searchParams.get("job");
  const statusFilter = c.url.searchParams.get("status");
  if (filter && (jobFilter || statusFilter))
    throw new HttpError(400, "Filter expression cannot be used with other filter parameters");
  const { state } = c.emu;
  const r = await blockingQuery(
    state,
    parseBlocking(c.url),
    () => {
      const list = [...state.evals.values()].filter(
        (e) =>
          (all ? c.emu.acl.allows(c.token, e.Namespace, "read-job") : e.Namespace === ns) &&
          e.ID.startsWith(prefix) &&
          (!jobFilter || e.JobID === jobFilter) &&
          (!statusFilter || e.Status === statusFilter),
      );
      const { page, nextToken } = paginate(list, c.url, {
        filter,
        full: (e) => e,
        token: (e) => `${e.CreateIndex}.${e.ID}`,
        atOrAfter: (e, t) => e.CreateIndex >= Number(t.split(".")[0]),
      });
      return { index: state.tables.evals, page, nextToken };
    },
    c.signal,
    ["evals"],
  );
  sendRead(c, r.index, r.page, r.nextToken ? { nextToken: r.nextToken } : {});
}
