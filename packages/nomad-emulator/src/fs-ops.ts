/** The fs operations ls, stat, cat, readat and stream, with Nomad's parameter checks and error texts (REFERENCE §6). */
import { createReadStream, type Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { EmulatorAlloc } from "./emulator-context.js";
import { parseGoBool, parseGoInt64 } from "./exec-params.js";
import { HttpError, sendJson } from "./http-util.js";
import { detectContentType, fileInfo } from "./fs-info.js";
import { type AllocPath, assertReadable, resolveAllocPath } from "./fs-paths.js";
import { FrameWriter, streamFile } from "./fs-stream.js";

/** Looks the alloc up and checks ACL (throws HttpError); called after parameter checks, as Nomad's agent does. */
export type AccessFn = () => { allocDir: string; alloc: EmulatorAlloc };

function requirePath(q: URLSearchParams): string {
  const p = q.get("path") ?? "";
  if (p === "") throw new HttpError(400, "must provide a file name");
  return p;
}

async function statOrThrow(p: AllocPath, status: number): Promise<Stats> {
  try {
    return await stat(p.host);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") throw new HttpError(status, `stat ${p.host}: no such file or directory`);
    if (e.code === "ENOTDIR") throw new HttpError(status, `stat ${p.host}: not a directory`);
    throw new HttpError(500, `stat ${p.host}: ${e.message}`);
  }
}

/** `origin` parameter: start (default) or end, else 400. */
export function parseOrigin(q: URLSearchParams): "start" | "end" {
  const origin = q.get("origin") ?? "";
  if (origin === "" || origin === "start") return "start";
  if (origin === "end") return "end";
  throw new HttpError(400, "origin must be start or end");
}

/** `offset` parameter (optional for stream/logs). */
export function parseOffset(q: URLSearchParams, status: number): number {
  const s = q.get("offset") ?? "";
  if (s === "") return 0;
  const n = parseGoInt64(s);
  if (!n.ok) throw new HttpError(status, `error parsing offset: ${n.error}`);
  return n.value;
}

/** A boolean flag such as `follow` / `plain`, with Nomad's `failed to parse <name> field to boolean` error. */
export function parseFlag(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const s = q.get(name) ?? "";
  if (s === "") return dflt;
  const b = parseGoBool(s);
  if (!b.ok) throw new HttpError(400, `failed to parse ${name} field to boolean: ${b.error}`);
  return b.value;
}

/** The checks cat/readat/stream share: resolve (400 on escape), stat (400), no directories (400), no secrets (500). */
async function openable(access: AccessFn, requested: string): Promise<{ p: AllocPath; st: Stats }> {
  const { allocDir, alloc } = access();
  const p = resolveAllocPath(allocDir, requested, 400);
  const st = await statOrThrow(p, 400);
  if (st.isDirectory()) throw new HttpError(400, `file ${JSON.stringify(requested)} is a directory`);
  assertReadable(allocDir, alloc.taskNames, p);
  return { p, st };
}

/** GET /v1/client/fs/ls/:alloc — directory listing sorted by name (lstat, as Go's ReadDir). */
export async function handleLs(q: URLSearchParams, res: ServerResponse, access: AccessFn): Promise<void> {
  const requested = q.get("path") || "/";
  const { allocDir } = access();
  const p = resolveAllocPath(allocDir, requested, 500);
  const st = await statOrThrow(p, 404);
  if (!st.isDirectory()) throw new HttpError(500, `readdirent ${p.host}: not a directory`);
  const names = (await readdir(p.host)).sort();
  const entries = [];
  for (const name of names) {
    const est = await lstat(`${p.host}/${name}`).catch(() => undefined);
    if (est) entries.push(fileInfo(name, est));
  }
  sendJson(res, 200, entries);
}

/** GET /v1/client/fs/stat/:alloc — one AllocFileInfo with ContentType. */
export async function handleStat(q: URLSearchParams, res: ServerResponse, access: AccessFn): Promise<void> {
  const requested = requirePath(q);
  const { allocDir } = access();
  const p = resolveAllocPath(allocDir, requested, 500);
  const st = await statOrThrow(p, 404);
  const name = p.host.split("/").pop() ?? "";
  sendJson(res, 200, { ...fileInfo(name, st), ContentType: await detectContentType(p.host, st) });
}

async function sendRange(req: IncomingMessage, res: ServerResponse, host: string, start: number, end?: number): Promise<void> {
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  const src = createReadStream(host, end === undefined ? { start } : { start, end });
  req.once("close", () => src.destroy());
  await pipeline(src, res);
}

/** GET /v1/client/fs/cat/:alloc — the whole file as raw bytes. */
export async function handleCat(q: URLSearchParams, req: IncomingMessage, res: ServerResponse, access: AccessFn): Promise<void> {
  const requested = requirePath(q);
  const { p } = await openable(access, requested);
  await sendRange(req, res, p.host, 0);
}

/** GET /v1/client/fs/readat/:alloc — `offset` (required, 500 on error) and `limit` (≤0/absent = to EOF). */
export async function handleReadAt(
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  access: AccessFn,
): Promise<void> {
  const requested = requirePath(q);
  const off = parseGoInt64(q.get("offset") ?? "");
  if (!off.ok) throw new HttpError(500, `error parsing offset: ${off.error}`);
  let limit = 0;
  const limitParam = q.get("limit") ?? "";
  if (limitParam !== "") {
    const l = parseGoInt64(limitParam);
    if (!l.ok) throw new HttpError(500, `error parsing limit: ${l.error}`);
    limit = l.value;
  }
  const { p, st } = await openable(access, requested);
  if (off.value < 0) throw new HttpError(500, `seek ${p.host}: invalid argument`);
  if (off.value >= st.size) {
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end();
    return;
  }
  await sendRange(req, res, p.host, off.value, limit > 0 ? off.value + limit - 1 : undefined);
}

/** GET /v1/client/fs/stream/:alloc — framed stream; `follow` defaults to true; `origin=end&offset=N` = last N bytes. */
export async function handleStream(
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  access: AccessFn,
): Promise<void> {
  const requested = requirePath(q);
  const offset = parseOffset(q, 500);
  const origin = parseOrigin(q);
  const follow = parseFlag(q, "follow", true);
  const { p, st } = await openable(access, requested);
  const start = origin === "end" ? Math.max(st.size - offset, 0) : Math.max(offset, 0);
  const w = new FrameWriter(res, req, false, follow);
  try {
    await streamFile(w, { host: p.host, label: requested, offset: start, follow });
  } finally {
    w.finish();
  }
}
