/** /v1/client/fs/{ls,stat,cat,readat,stream,logs}/:alloc — the client filesystem API over the real alloc dir (REFERENCE §6). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../emulator-context.js";
import { sendFsError, setFsReadHeaders } from "../fs-http.js";
import { handleLogs } from "../fs-logs.js";
import { handleCat, handleLs, handleReadAt, handleStat, handleStream } from "../fs-ops.js";
import { HttpError, tokenOf } from "../http-util.js";

const FS_PATH = /^\/v1\/client\/fs\/([^/]+)\/?(.*)$/;
const OPS = new Set(["ls", "stat", "cat", "readat", "stream", "logs"]);

/**
 * Serves a client fs request. Returns false when the path is not under /v1/client/fs/. Order as Nomad: query
 * parameters (HTTP agent) → alloc lookup → GC'd on the client → ACL → the operation's own checks.
 */
export async function handleFs(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const m = FS_PATH.exec(url.pathname);
  if (!m) return false;
  const op = m[1] ?? "";
  ctx.countRequest(`${req.method ?? "GET"} /v1/client/fs/${OPS.has(op) ? op : ":op"}/:alloc`);
  setFsReadHeaders(ctx, res);
  try {
    if (!OPS.has(op)) throw new HttpError(404, "resource not found");
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "Invalid method");
    const allocId = decodeURIComponent(m[2] ?? "");
    if (allocId === "") throw new HttpError(400, "must provide a valid alloc id");
    const q = url.searchParams;
    const token = tokenOf(req);
    const access = (): { allocDir: string; alloc: NonNullable<ReturnType<EmulatorContext["findAlloc"]>> } => {
      const alloc = ctx.findAlloc(allocId);
      if (!alloc) throw new HttpError(404, `Unknown allocation ${JSON.stringify(allocId)}`);
      if (alloc.gcd) throw new HttpError(404, `state for allocation ${allocId} not found on client`);
      const allowed =
        op === "logs"
          ? ctx.authorize(token, alloc.Namespace, "read-logs") === "allowed" ||
            ctx.authorize(token, alloc.Namespace, "read-fs") === "allowed"
          : ctx.authorize(token, alloc.Namespace, "read-fs") === "allowed";
      if (!allowed) throw new HttpError(403, "Permission denied");
      return { allocDir: alloc.allocDir, alloc };
    };
    switch (op) {
      case "ls":
        await handleLs(q, res, access);
        break;
      case "stat":
        await handleStat(q, res, access);
        break;
      case "cat":
        await handleCat(q, req, res, access);
        break;
      case "readat":
        await handleReadAt(q, req, res, access);
        break;
      case "stream":
        await handleStream(q, req, res, access);
        break;
      default:
        await handleLogs(q, req, res, access);
    }
  } catch (err) {
    sendFsError(res, err);
  }
  return true;
}
