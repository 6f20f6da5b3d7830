/** /v1/allocations, /v1/allocation/:id and /v1/allocation/:id/stop (which migrates: a replacement is placed). */
import type { Alloc } from "../alloc.js";
import { blockingQuery, parseBlocking } from "../blocking.js";
import { HttpError } from "../http-util.js";
import { nowNs } from "../ids.js";
import { filterFrom, paginate } from "../paginate.js";
import { type Call, nsOf, readOne, requireCap, sendRead, sendWrite } from "../route-context.js";
import { nsKey } from "../state.js";

/** GET /v1/allocations. */
export async function listAllocs(c: Call): Promise<void> {
  const ns = nsOf(c);
  const all = ns === "*";
  if (!all) requireCap(c, ns, "read-job");
  const prefix = c.url.searchParams.get("prefix") ?? "";
  const reverse = c.url.searchParams.get("reverse") === "true";
  const resources = c.url.searchParams.get("resources") === "true";
  const taskStates = c.url.searchParams.get("task_states") !== "false";
  const filter = filterFrom(c.url);
  const { state } = c.emu;
  const r = await blockingQuery(
    state,
    parseBlocking(c.url),
    () => {
      const list: Alloc[] = [];
      for (const a of state.allocs.values()) {
        if ((!all && a.Namespace !== ns) || !a.ID.startsWith(prefix)) continue;
        if (all && !c.emu.acl.allows(c.token, a.Namespace, "read-job")) continue;
        list.push(a);
      }
      // Map insertion order is create order already; reverse flips it.
      if (reverse) list.reverse();
      const key = (a: Alloc) => `${String(a.CreateIndex).padStart(20, "0")}.${a.ID}`;
      const { page, nextToken } = paginate(list, c.url, {
        filter,
        full: (a) => a.toApi(),
        token: (a) => `${a.CreateIndex}.${a.ID}`,
        atOrAfter: (a, t) => {
          const [idx = "0", id = ""] = t.split(".");
          const tk = `${idx.padStart(20, "0")}.${id}`;
          return reverse ? key(a) <= tk : key(a) >= tk;
        },
      });
      return { index: state.tables.allocs, page, nextToken };
    },
    c.signal,
    ["allocs"],
  );
  sendRead(
    c,
    r.index,
    r.page.map((a) => a.toStub({ resources, taskStates })),
    r.nextToken ? { nextToken: r.nextToken } : {},
  );
}

/** GET /v1/allocation/:id. */
export async function readAlloc(c: Call): Promise<void> {
  const { state } = c.emu;
  const found = state.allocs.get(c.param);
  if (found) requireCap(c, found.Namespace, "read-job");
  const r = await readOne(
    c,
    ["allocs"],
    () => state.allocs.get(c.param),
    (a) => a.ModifyIndex,
    "alloc not found",
  );
  sendRead(c, r.index, r.obj.toApi());
}

/** PUT|POST /v1/allocation/:id/stop. */
export function stopAlloc(c: Call): void {
  const { state, sched } = c.emu;
  const a = state.allocs.get(c.param);
  if (!a) throw new HttpError(404, "allocation not found");
  requireCap(c, a.Namespace, "alloc-lifecycle");
  const out = state.write(["allocs", "evals"], (index) => {
    a.DesiredTransition = { ...a.DesiredTransition, Migrate: true };
    a.ModifyIndex = index;
    a.ModifyTime = nowNs();
    state.publishAlloc(a, "AllocationUpdateDesiredStatus");
    const job = state.jobs.get(nsKey(a.Namespace, a.JobID)) ?? a.Job;
    const ev = sched.createEval(job, "alloc-stop", index, {}, "AllocationUpdateDesiredStatus");
    return { EvalID: ev.ID, Index: index };
  });
  sendWrite(c, out.Index, out);
}
