/** GET /v1/client/allocation/:alloc/exec — Nomad 1.x's exec WebSocket: pre-upgrade checks, 101, handshake, validation. */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { EmulatorContext } from "../emulator-context.js";
import { decodeWsJson, goJsonKind } from "../exec-go-json.js";
import { parseCommandJson, parseGoBool } from "../exec-params.js";
import { closeWithError, runExecSession } from "../exec-session.js";
import { validateExec, WS_POLICY_VIOLATION } from "../exec-validate.js";
import { tokenOf } from "../http-util.js";

const EXEC_PATH = /^\/v1\/client\/allocation\/([^/]+)\/exec$/;

// No compression and no client tracking: Nomad's gorilla upgrader negotiates neither, and sessions own their sockets.
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

const STATUS_TEXT: Record<number, string> = { 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error" };

/** Answers before the upgrade with a plain-text HTTP error, as Nomad 1.x does for command/tty parse errors. */
function rejectUpgrade(socket: Duplex, status: number, body: string): void {
  const head = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/** gorilla's default CheckOrigin: no Origin header, or an Origin whose host equals Host (case-insensitively). */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? "").toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Handles an HTTP upgrade aimed at the exec endpoint (the server's `upgrade` event). Command or tty parse errors
 * are HTTP 500 before the upgrade (1.x); after the 101 every error is a close frame (REFERENCE §5).
 */
export function handleExecUpgrade(ctx: EmulatorContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on("error", () => socket.destroy());
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const match = EXEC_PATH.exec(url.pathname);
  if (!match) {
    rejectUpgrade(socket, 404, "Not Found");
    return;
  }
  ctx.countRequest("GET /v1/client/allocation/:alloc/exec");
  let allocId = match[1] ?? "";
  try {
    allocId = decodeURIComponent(allocId);
  } catch {
    // Malformed escapes: keep the raw text; it will not name an allocation.
  }
  if (!originAllowed(req)) {
    rejectUpgrade(socket, 403, "Forbidden");
    return;
  }
  const q = url.searchParams;
  const command = parseCommandJson(q.get("command") ?? "");
  if (!command.ok) {
    rejectUpgrade(socket, 500, `failed to marshal command into json: ${command.error}`);
    return;
  }
  let tty = false;
  const ttyParam = q.get("tty") ?? "";
  if (ttyParam !== "") {
    const parsed = parseGoBool(ttyParam);
    if (!parsed.ok) {
      rejectUpgrade(socket, 500, `tty value is not a boolean: ${parsed.error}`);
      return;
    }
    tty = parsed.value;
  }
  const headerToken = tokenOf(req);
  wss.handleUpgrade(req, socket, head, (ws) => {
    const frames = bufferFrames(ws);
    const start = (token: string | undefined): void => {
      const task = q.get("task") ?? "";
      const v = validateExec(ctx, allocId, token, task, command.value);
      if (!v.ok) {
        closeWithError(ws, socket, v.code, v.reason);
        return;
      }
      runExecSession({ ctx, alloc: v.alloc, task, driver: v.driver, argv: command.value, tty, ws, socket }, frames.attach);
    };
    const hs = q.get("ws_handshake") ?? "";
    if (hs === "") return start(headerToken);
    const wants = parseGoBool(hs);
    if (!wants.ok) return closeWithError(ws, socket, WS_POLICY_VIOLATION, `ws_handshake value is not a boolean: ${wants.error}`);
    if (!wants.value) return start(headerToken);
    frames.next((raw) => {
      const h = readHandshake(raw);
      if (typeof h === "string") return closeWithError(ws, socket, WS_POLICY_VIOLATION, h);
      // 1.x: the handshake's token replaces any header token.
      start(h.token);
    });
  });
}

/** Parses `{"version":1,"auth_token":"…"}`; returns the error text on failure. */
function readHandshake(raw: RawData): { token: string | undefined } | string {
  const decoded = decodeWsJson(raw.toString());
  if (!decoded.ok) return decoded.error;
  // JSON null decodes into the zero message (version 0), as Go does.
  const parsed = decoded.value ?? {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    return `json: cannot unmarshal ${goJsonKind(parsed)} into Go value of type agent.wsHandshakeMessage`;
  }
  const h = parsed as { version?: unknown; auth_token?: unknown };
  if (h.version !== undefined && h.version !== null && typeof h.version !== "number") {
    return `json: cannot unmarshal ${goJsonKind(h.version)} into Go struct field wsHandshakeMessage.version of type int`;
  }
  const version = typeof h.version === "number" ? h.version : 0;
  if (version !== 1) return `unexpected handshake value: ${version}`;
  return { token: typeof h.auth_token === "string" && h.auth_token !== "" ? h.auth_token : undefined };
}

/** Holds client frames until a consumer is attached, so nothing sent right after the 101 is lost. */
function bufferFrames(ws: WebSocket): {
  next: (handler: (data: RawData) => void) => void;
  attach: (handler: (data: RawData) => void) => void;
} {
  const queue: RawData[] = [];
  let once: ((data: RawData) => void) | undefined;
  let handler: ((data: RawData) => void) | undefined;
  ws.on("message", (data) => {
    if (once) {
      const h = once;
      once = undefined;
      h(data);
    } else if (handler) handler(data);
    else queue.push(data);
  });
  return {
    next(h) {
      const queued = queue.shift();
      if (queued !== undefined) h(queued);
      else once = h;
    },
    attach(h) {
      handler = h;
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) h(d);
    },
  };
}
