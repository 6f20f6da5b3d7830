/** What every route handler gets: the emulator's parts plus helpers for Nomad's read/write response conventions. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Acl } from "./acl.js";
import { blockingQuery, parseBlocking } from "./blocking.js";
import type { Faults } from "./faults.js";
import { HttpError, type ReadMeta, sendJson, setReadHeaders } from "./http-util.js";
import type { Scheduler } from "./scheduler.js";
import type { State, TableName } from "./state.js";

/** The emulator's shared parts. */
export interface Emu {
  state: State;
  sched: Scheduler;
  acl: Acl;
  faults: Faults;
  region: string;
  datacenter: string;
  eventHeartbeatMs: number;
  address(): string;
}

/** One request as handlers see it. */
export interface Call {
  emu: Emu;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  token: string | undefined;
  signal: AbortSignal;
  knownLeader: boolean;
  /** Path parameter (job ID, alloc ID, variable path …), already decoded. */
  param: string;
}

/** The `namespace` query parameter (default `default`). */
export function nsOf(c: Call): string {
  return c.url.searchParams.get("namespace") || "default";
}

/** Throws Nomad's 403 unless the token has the namespace capability. */
export function requireCap(c: Call, ns: string, cap: string): void {
  if (!c.emu.acl.allows(c.token, ns, cap)) throw new HttpError(403, "Permission denied");
}

/** Sends a read response with X-Nomad-Index / KnownLeader / LastContact. */
export function sendRead(c: Call, index: number, body: unknown, extra: Partial<ReadMeta> = {}): void {
  setReadHeaders(c.res, { index, knownLeader: c.knownLeader, ...extra });
  sendJson(c.res, 200, body, c.url.searchParams.has("pretty"));
}

/** Sends a read-path error (404 …) with the read headers still set, as Nomad does. */
export function readError(c: Call, index: number, status: number, message: string): never {
  setReadHeaders(c.res, { index, knownLeader: c.knownLeader });
  throw new HttpError(status, message);
}

/** Sends a write response: only X-Nomad-Index. */
export function sendWrite(c: Call, index: number, body: unknown, status = 200): void {
  c.res.setHeader("X-Nomad-Index", String(index));
  sendJson(c.res, status, body, c.url.searchParams.has("pretty"));
}

/** Write response meta fields that Nomad flattens into write bodies. */
export const WRITE_META = { LastContact: 0, KnownLeader: false, NextToken: "" } as const;

/**
 * A blocking read of one object (job, alloc, eval, variable…): waits on `tables`, reports the object's own index
 * (or, when it is absent, the first table's index, as Nomad does) and answers `404 <notFound>` with the read
 * headers set when it is absent.
 */
export async function readOne<T>(
  c: Call,
  tables: [TableName, ...TableName[]],
  lookup: () => T | undefined,
  indexOf: (obj: T) => number,
  notFound: string,
): Promise<{ obj: T; index: number }> {
  const { state } = c.emu;
  const r = await blockingQuery(
    state,
    parseBlocking(c.url),
    () => {
      const obj = lookup();
      return { index: obj === undefined ? state.tables[tables[0]] : indexOf(obj), obj };
    },
    c.signal,
    tables,
  );
  if (r.obj === undefined) readError(c, r.index, 404, notFound);
  return { obj: r.obj, index: r.index };
}
