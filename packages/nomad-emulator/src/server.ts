/** The node:http server: stats, faults, the no-leader window, routing, Nomad-style errors, exec and fs wiring. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { EmulatorContext } from "./emulator-context.js";
import { HttpError, sendText, setReadHeaders, tokenOf } from "./http-util.js";
import type { Emu } from "./route-context.js";
import { route } from "./router.js";
import { handleExecUpgrade } from "./routes/exec.js";
import { handleFs } from "./routes/fs.js";

/** The running HTTP side of an emulator. */
export interface EmulatorServer {
  server: Server;
  /** Aborts every in-flight blocking query and stream, then destroys every socket. */
  shutdown(): Promise<void>;
}

/** A label for requests no route matched (still counted, so stats never hide traffic). */
const UNMATCHED = "(unmatched)";

function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function fsLabel(method: string, path: string): string {
  const op = path.slice("/v1/client/fs/".length).split("/")[0] ?? "";
  return `${method} /v1/client/fs/${op}/:alloc`;
}

/** Creates (but does not listen) the emulator's HTTP server. Requests are counted through `ctx.countRequest`. */
export function createEmulatorServer(emu: Emu, ctx: EmulatorContext): EmulatorServer {
  const controllers = new Set<AbortController>();
  const sockets = new Set<Socket>();

  async function applyFaults(label: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const ms = emu.faults.latencyFor(label);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    const action = emu.faults.decide(label);
    if (action.kind === "reset") {
      req.socket.destroy();
      return true;
    }
    if (action.kind === "error") {
      sendText(res, action.status, action.message);
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://emulator");
    const path = decodePath(url.pathname);
    if (path === undefined) return sendText(res, 400, `invalid URL escape in path "${url.pathname}"`);
    if (path.startsWith("/v1/client/fs/")) {
      if (await applyFaults(fsLabel(method, path), req, res)) return;
      if (await handleFs(ctx, req, res, url)) return;
    }
    const m = route(method, path);
    if (!m || "invalidMethod" in m) {
      ctx.countRequest(`${method} ${UNMATCHED}`);
      if (m) return sendText(res, 405, "Invalid method");
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      return void res.end("404 page not found\n");
    }
    ctx.countRequest(m.label);
    if (await applyFaults(m.label, req, res)) return;
    const noLeader = emu.faults.noLeader();
    const stale = m.read && url.searchParams.has("stale");
    if (noLeader && !m.leaderless && !stale) return sendText(res, 500, "No cluster leader");
    // The Go client fails to parse any query response without X-Nomad-Index / X-Nomad-LastContact, so every
    // read starts with them; handlers overwrite the index with the one their result carries.
    if (m.read) setReadHeaders(res, { index: emu.state.index, knownLeader: !noLeader });
    const ac = new AbortController();
    controllers.add(ac);
    res.once("close", () => ac.abort());
    try {
      await m.handler({
        emu,
        req,
        res,
        url,
        method,
        token: tokenOf(req),
        signal: ac.signal,
        knownLeader: !noLeader,
        param: m.param,
      });
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        sendText(res, err.status, err.message);
      } else {
        sendText(res, 500, (err as Error).message ?? String(err));
      }
    } finally {
      controllers.delete(ac);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, String(err));
      else res.destroy();
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const method = req.method ?? "GET";
    const label = `${method} /v1/client/allocation/:alloc/exec`;
    if (emu.faults.decide(label).kind === "reset") return void socket.destroy();
    handleExecUpgrade(ctx, req, socket, head);
  });

  return {
    server,
    async shutdown() {
      for (const ac of controllers) ac.abort();
      emu.state.wakeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}
