/** Variable lock-acquire / lock-renew / lock-release (Nomad 1.7+), with TTL expiry and LockDelay. */
import { randomUUID } from "node:crypto";
import { parseGoDuration } from "../blocking.js";
import { HttpError, asRecord, asStringMap } from "../http-util.js";
import { nowNs } from "../ids.js";
import { type Call, sendWrite } from "../route-context.js";
import { nsKey } from "../state.js";
import type { VariableRecord } from "../types.js";
import { conflict, varFull, varMeta, zeroConflict } from "./variables.js";

/** Which lock operation. */
export type LockOp = "acquire" | "renew" | "release";

function duration(v: unknown, name: string): { text: string; ms: number } {
  const text = typeof v === "string" && v !== "" ? v : "15s";
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new HttpError(400, `failed to parse ${name}: time: invalid duration "${text}"`);
  return { text, ms };
}

/** Runs one lock operation on an already validated and authorized path. */
export function lockOp(c: Call, op: LockOp, ns: string, path: string, body: Record<string, unknown>): void {
  const { state } = c.emu;
  const key = nsKey(ns, path);
  const cur = state.vars.get(key);
  const lock = asRecord(body.Lock) ?? {};
  const items = asStringMap(body.Items);
  if (op === "acquire") {
    const ttl = duration(lock.TTL, "TTL");
    const delay = duration(lock.LockDelay, "LockDelay");
    if (cur?.Lock || (cur?.lockDelayUntil !== undefined && Date.now() < cur.lockDelayUntil)) {
      conflict(c, zeroConflict(ns, path));
      return;
    }
    const v = state.write(["vars"], (index) => {
      const now = nowNs();
      const next: VariableRecord = cur
        ? { ...cur, ModifyIndex: index, ModifyTime: now }
        : {
            Namespace: ns,
            Path: path,
            Items: {},
            CreateIndex: index,
            CreateTime: now,
            ModifyIndex: index,
            ModifyTime: now,
            Lock: null,
          };
      if (items && Object.keys(items).length > 0) next.Items = items;
      next.Lock = { ID: randomUUID(), TTL: ttl.text, LockDelay: delay.text };
      delete next.lockDelayUntil;
      state.vars.set(key, next);
      armTtl(c, next, ttl.ms, delay.ms);
      return next;
    });
    sendWrite(c, v.ModifyIndex, varFull(v));
    return;
  }
  if (op === "release" && items && Object.keys(items).length > 0)
    throw new HttpError(400, "lock release operation doesn't take variable items");
  if (!cur) throw new HttpError(404, "variable doesn't exist");
  if (!cur.Lock || cur.Lock.ID !== lock.ID) {
    if (op === "renew") throw new HttpError(409, "variable doesn't hold a lock");
    conflict(c, zeroConflict(ns, path));
    return;
  }
  if (op === "renew") {
    const ttl = duration(cur.Lock.TTL, "TTL");
    const delay = duration(cur.Lock.LockDelay, "LockDelay");
    armTtl(c, cur, ttl.ms, delay.ms);
    sendWrite(c, cur.ModifyIndex, varMeta(cur));
    return;
  }
  const v = state.write(["vars"], (index) => {
    if (cur.lockTimer) clearTimeout(cur.lockTimer);
    const next: VariableRecord = { ...cur, Lock: null, ModifyIndex: index, ModifyTime: nowNs() };
    delete next.lockTimer;
    state.vars.set(key, next);
    return next;
  });
  sendWrite(c, v.ModifyIndex, varMeta(v));
}

/** (Re)starts the TTL: on expiry the lock is dropped and re-acquiring waits out LockDelay. */
function armTtl(c: Call, v: VariableRecord, ttlMs: number, delayMs: number): void {
  if (v.lockTimer) clearTimeout(v.lockTimer);
  v.lockTimer = setTimeout(() => {
    const { state } = c.emu;
    const key = nsKey(v.Namespace, v.Path);
    const cur = state.vars.get(key);
    if (!cur || cur.Lock?.ID !== v.Lock?.ID) return;
    state.write(["vars"], (index) => {
      state.vars.set(key, {
        ...cur,
        Lock: null,
        lockDelayUntil: Date.now() + delayMs,
        ModifyIndex: index,
        ModifyTime: nowNs(),
      });
    });
  }, ttlMs);
  v.lockTimer.unref();
}
