/** /v1/vars and /v1/var/:path: read, list, write and delete with check-and-set, and variable locks (1.7+). */
import { blockingQuery, parseBlocking } from "../blocking.js";
import { HttpError, asRecord, asStringMap, readJsonOptional, sendJson } from "../http-util.js";
import { nowNs } from "../ids.js";
import { filterFrom, paginate } from "../paginate.js";
import { type Call, nsOf, readOne, sendRead, sendWrite } from "../route-context.js";
import { nsKey } from "../state.js";
import type { VariableRecord } from "../types.js";
import { lockOp, type LockOp } from "./variable-locks.js";

/** Metadata (no Items) of a variable, as list and renew return it. */
export function varMeta(v: VariableRecord): Record<string, unknown> {
  const m: Record<string, unknown> = {
    Namespace: v.Namespace,
    Path: v.Path,
    CreateIndex: v.CreateIndex,
    CreateTime: v.CreateTime,
    ModifyIndex: v.ModifyIndex,
    ModifyTime: v.ModifyTime,
  };
  if (v.Lock) m.Lock = { ...v.Lock };
  return m;
}

/** The full variable including Items. */
export function varFull(v: VariableRecord): Record<string, unknown> {
  return { ...varMeta(v), Items: { ...v.Items } };
}

/** The zero-value conflict body Nomad sends for a missing or locked variable. */
export function zeroConflict(ns: string, path: string): Record<string, unknown> {
  return { Namespace: ns, Path: path, CreateIndex: 0, CreateTime: 0, ModifyIndex: 0, ModifyTime: 0 };
}

/** Sends 409 with a JSON body; X-Nomad-Index = the conflict's ModifyIndex. */
export function conflict(c: Call, body: Record<string, unknown>): void {
  c.res.setHeader("X-Nomad-Index", String(body.ModifyIndex ?? 0));
  sendJson(c.res, 409, body);
}

/** Nomad's path rules, with its texts. */
export function validatePath(path: string): void {
  if (path.length === 0) throw new HttpError(400, "variable requires path");
  if (!/^[a-zA-Z0-9\-_~/]{1,128}$/.test(path)) throw new HttpError(400, `invalid path "${path}"`);
  const parts = path.split("/");
  if (parts[0] !== "nomad") return;
  if (parts.length === 1) {
    throw new HttpError(
      400,
      '"nomad" is a reserved top-level directory path, but you may write variables to "nomad/jobs", "nomad/job-templates", or below',
    );
  }
  if (parts[1] === "jobs" || parts[1]?.startsWith("sentinel")) return;
  if (parts[1] === "job-templates") {
    if (parts.length === 3) return;
    throw new HttpError(400, `invalid path "${path}", path must be nomad/job-templates/<name>`);
  }
  throw new HttpError(
    400,
    'only paths at "nomad/jobs" or "nomad/job-templates" and below are valid paths under the top-level "nomad" directory',
  );
}

function parseCas(c: Call): number | undefined {
  const cas = c.url.searchParams.get("cas");
  if (cas === null) return undefined;
  if (!/^\d+$/.test(cas)) throw new HttpError(400, `can not parse cas: strconv.ParseUint: parsing "${cas}": invalid syntax`);
  return Number(cas);
}

/** GET /v1/var/:path. */
export async function readVar(c: Call): Promise<void> {
  const ns = nsOf(c);
  if (!c.emu.acl.allowsVariable(c.token, ns, c.param, "read")) throw new HttpError(403, "Permission denied");
  const { state } = c.emu;
  const r = await readOne(
    c,
    ["vars"],
    () => state.vars.get(nsKey(ns, c.param)),
    (v) => v.ModifyIndex,
    "variable not found",
  );
  sendRead(c, r.index, varFull(r.obj));
}

/** GET /v1/vars: paths the token cannot list are dropped silently. */
export async function listVars(c: Call): Promise<void> {
  const ns = nsOf(c);
  const all = ns === "*";
  const prefix = c.url.searchParams.get("prefix") ?? "";
  const filter = filterFrom(c.url);
  const { state } = c.emu;
  const r = await blockingQuery(
    state,
    parseBlocking(c.url),
    () => {
      const list = [...state.vars.values()]
        .filter(
          (v) =>
            (all || v.Namespace === ns) &&
            v.Path.startsWith(prefix) &&
            c.emu.acl.allowsVariable(c.token, v.Namespace, v.Path, "list"),
        )
        .sort((a, b) => (a.Namespace === b.Namespace ? (a.Path < b.Path ? -1 : 1) : a.Namespace < b.Namespace ? -1 : 1));
      const { page, nextToken } = paginate(list, c.url, {
        filter,
        full: varMeta,
        token: (v) => `${v.Namespace}.${v.Path}`,
        atOrAfter: (v, t) => `${v.Namespace}.${v.Path}` >= t,
      });
      return { index: state.tables.vars, page, nextToken };
    },
    c.signal,
    ["vars"],
  );
  sendRead(c, r.index, r.page.map(varMeta), r.nextToken ? { nextToken: r.nextToken } : {});
}

/** PUT|POST /v1/var/:path (plain write, cas, or a lock operation). */
export async function writeVar(c: Call): Promise<void> {
  const body = await readJsonOptional(c.req);
  const ns = (typeof body.Namespace === "string" && body.Namespace) || nsOf(c);
  const path = c.param;
  const ops = (["lock-acquire", "lock-renew", "lock-release"] as const).filter((k) => c.url.searchParams.has(k));
  if (ops.length > 1) throw new HttpError(400, "multiple lock operations");
  const cas = parseCas(c);
  if (ops.length === 1 && cas !== undefined) throw new HttpError(400, "CAS can't be used with lock operations");
  validatePath(path);
  if (!c.emu.acl.allowsVariable(c.token, ns, path, "write")) throw new HttpError(403, "Permission denied");
  const op = ops[0];
  if (op) {
    lockOp(c, op.slice(5) as LockOp, ns, path, body);
    return;
  }
  const items = asStringMap(body.Items);
  if (!items || Object.keys(items).length === 0) throw new HttpError(400, "variable missing required Items object");
  const size = Object.entries(items).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > 64 * 1024) throw new HttpError(400, "variables are limited to 64KiB in total size");
  const { state } = c.emu;
  const key = nsKey(ns, path);
  const cur = state.vars.get(key);
  const canRead = c.emu.acl.allowsVariable(c.token, ns, path, "read");
  if (cas !== undefined) {
    if (!cur && cas !== 0) {
      conflict(c, zeroConflict(ns, path));
      return;
    }
    if (cur && cur.ModifyIndex !== cas) {
      conflict(c, canRead ? varFull(cur) : varMeta(cur));
      return;
    }
  }
  const lockId = asRecord(body.Lock)?.ID;
  if (cur?.Lock && cur.Lock.ID !== lockId) {
    conflict(c, zeroConflict(ns, path));
    return;
  }
  const v = state.write(["vars"], (index) => {
    const now = nowNs();
    const next: VariableRecord = cur
      ? { ...cur, Items: items, ModifyIndex: index, ModifyTime: now }
      : {
          Namespace: ns,
          Path: path,
          Items: items,
          CreateIndex: index,
          CreateTime: now,
          ModifyIndex: index,
          ModifyTime: now,
          Lock: null,
        };
    state.vars.set(key, next);
    return next;
  });
  sendWrite(c, v.ModifyIndex, varFull(v));
}

/** DELETE /v1/var/:path: 204 with an empty body, also for a missing variable. */
export async function deleteVar(c: Call): Promise<void> {
  const ns = nsOf(c);
  const path = c.param;
  const cas = parseCas(c);
  if (!c.emu.acl.allowsVariable(c.token, ns, path, "destroy")) throw new HttpError(403, "Permission denied");
  const { state } = c.emu;
  const key = nsKey(ns, path);
  const cur = state.vars.get(key);
  if (cas !== undefined && cas !== 0 && (!cur || cur.ModifyIndex !== cas)) {
    conflict(
      c,
      cur ? (c.emu.acl.allowsVariable(c.token, ns, path, "read") ? varFull(cur) : varMeta(cur)) : zeroConflict(ns, path),
    );
    return;
  }
  if (cas === 0 && cur) {
    conflict(c, varFull(cur));
    return;
  }
  if (cur?.Lock) {
    conflict(c, zeroConflict(ns, path));
    return;
  }
  const index = state.write(["vars"], (i) => {
    if (cur?.lockTimer) clearTimeout(cur.lockTimer);
    state.vars.delete(key);
    return i;
  });
  c.res.statusCode = 204;
  c.res.setHeader("X-Nomad-Index", String(index));
  c.res.end();
}
