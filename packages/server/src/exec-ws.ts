/**
 * GET /sandboxes/{name}/exec/ws: interactive exec (or attach) over a WebSocket with JSON text frames.
 *
 * Client → server: `{"type":"start","command":[…],"env"?,"cwd"?,"tty"?:true|{rows,cols},"timeout_ms"?}` first
 * (or `{"type":"start","attach":true,"shell"?,"tty"?}`), then any of `{"type":"stdin","data":"<utf8>"}`,
 * `{"type":"stdin","data_base64":"…"}`, `{"type":"stdin_eof"}`, `{"type":"resize","rows":24,"cols":80}`, `{"type":"kill"}`.
 * Server → client: `{"type":"started"}`, `{"type":"stdout"|"stderr","data_base64":"…"}` (bytes, so a UTF-8
 * character split across chunks survives), then `{"type":"exit","exit_code":N}` and close 1000, or
 * `{"type":"error","code","message"}` and close 1011 (1008 for a bad frame).
 */
import type { Readable } from "node:stream";
import {
  AgentkernelError,
  CapabilityUnsupportedError,
  type ExecSession,
  InvalidInputError,
  type TtySize,
  validateSandboxName,
} from "@agentkernel/core";
import { upgradeWebSocket } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { WSContext } from "hono/ws";
import type { WebSocket } from "ws";
import { holdingSlot, openExec, toExecRequest } from "./exec-service.js";
import type { AppEnv, ServerDeps } from "./server-context.js";
import type { ShutdownLink } from "./shutdown.js";

const START_TIMEOUT_MS = 30_000;
/** Output waits while this many frames are unacknowledged by the socket (back-pressure towards the sandbox). */
const MAX_PENDING_SENDS = 64;

type Frame = { type: string; [key: string]: unknown };

function parseFrame(data: unknown): Frame {
  if (typeof data !== "string") throw new InvalidInputError("frames are JSON text, not binary");
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    throw new InvalidInputError("frame is not JSON");
  }
  if (typeof frame !== "object" || frame === null || typeof (frame as Frame).type !== "string") {
    throw new InvalidInputError('frame needs a "type"');
  }
  return frame as Frame;
}

function ttyOf(value: unknown): boolean | TtySize | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  const v = value as Partial<TtySize>;
  if (typeof v.rows === "number" && typeof v.cols === "number") return { rows: v.rows, cols: v.cols };
  throw new InvalidInputError("tty: true, false or {rows, cols}");
}

/** One WebSocket's exec: everything the frame handlers share. */
class WsExec {
  session: ExecSession | undefined;
  started = false;
  /** Frames that arrived after `start` but before the backend opened the session. */
  readonly #early: Frame[] = [];
  readonly #link: ShutdownLink;
  #pending = 0;
  #waiters: (() => void)[] = [];

  constructor(
    readonly deps: ServerDeps,
    readonly name: string,
    readonly ws: WSContext<unknown>,
  ) {
    this.#link = deps.shutdown.link();
  }

  get signal(): AbortSignal {
    return this.#link.signal;
  }

  send(frame: object): Promise<void> {
    const raw = this.ws.raw as WebSocket | undefined;
    if (!raw || raw.readyState !== raw.OPEN) return Promise.resolve();
    this.#pending++;
    raw.send(JSON.stringify(frame), () => {
      this.#pending--;
      if (this.#pending < MAX_PENDING_SENDS) for (const w of this.#waiters.splice(0)) w();
    });
    return this.#pending >= MAX_PENDING_SENDS ? new Promise((resolve) => this.#waiters.push(resolve)) : Promise.resolve();
  }

  /** Sends the error frame and closes: 1008 (policy) for the client's mistakes, 1011 for everything else. */
  fail(error: unknown): void {
    const code = InvalidInputError.isInstance(error) ? 1008 : 1011;
    const body = AgentkernelError.isInstance(error) ? error.toJSON() : { code: "INTERNAL", message: "exec failed" };
    if (!AgentkernelError.isInstance(error)) this.deps.logger.error({ err: error, sandbox: this.name }, "websocket exec failed");
    void this.send({ type: "error", ...body });
    this.session?.kill();
    this.ws.close(code, body.code);
  }

  async start(frame: Frame): Promise<void> {
    const { backend, limits, metrics } = this.deps;
    const tty = ttyOf(frame.tty);
    if (frame.attach === true) {
      const attach = backend.attach?.bind(backend);
      if (!attach || !backend.capabilities.attach)
        throw new CapabilityUnsupportedError("attach; send a start frame with a command and tty instead", {
          backend: backend.backendId,
        });
      const size = typeof tty === "object" ? tty : undefined;
      const options = {
        signal: this.signal,
        ...(typeof frame.shell === "string" ? { shell: frame.shell } : {}),
        ...(size ? { size } : {}),
      };
      this.session = await holdingSlot(limits, metrics, this.signal, () => attach(this.name, options));
    } else {
      const request = toExecRequest(
        {
          command: frame.command as string[],
          output_encoding: "base64",
          ...(frame.env !== undefined ? { env: frame.env as Record<string, string> } : {}),
          ...(frame.cwd !== undefined ? { cwd: frame.cwd as string } : {}),
          ...(frame.timeout_ms !== undefined ? { timeout_ms: frame.timeout_ms as number } : {}),
        },
        limits,
        this.signal,
      );
      request.stdin = "pipe";
      if (tty !== undefined) request.tty = tty;
      this.session = await openExec(backend, this.name, request, limits, metrics);
    }
    // holdingSlot (openExec too) already ended a session whose socket closed while the backend was opening it.
    const session = this.session;
    await this.send({ type: "started" });
    for (const early of this.#early.splice(0)) this.input(early);
    const pumps = [this.#pump(session.stdout, "stdout"), this.#pump(session.stderr, "stderr")];
    const exit = await session.exit;
    await Promise.all(pumps);
    await this.send({ type: "exit", exit_code: exit.exitCode });
    this.ws.close(1000, "exited");
  }

  async #pump(stream: Readable, type: "stdout" | "stderr"): Promise<void> {
    for await (const chunk of stream) await this.send({ type, data_base64: Buffer.from(chunk as Uint8Array).toString("base64") });
  }

  input(frame: Frame): void {
    if (!this.started) throw new InvalidInputError('send {"type":"start",…} first');
    const session = this.session;
    if (!session) {
      this.#early.push(frame);
      return;
    }
    switch (frame.type) {
      case "stdin": {
        const data =
          typeof frame.data_base64 === "string"
            ? Buffer.from(frame.data_base64, "base64")
            : Buffer.from(String(frame.data ?? ""), "utf8");
        const raw = this.ws.raw as WebSocket | undefined;
        // Stop reading the socket while the sandbox's stdin is full, so a fast sender cannot grow our memory.
        if (session.stdin && !session.stdin.write(data) && raw) {
          raw.pause();
          session.stdin.once("drain", () => raw.resume());
        }
        return;
      }
      case "stdin_eof":
        session.stdin?.end();
        return;
      case "resize":
        session.resize({ rows: Number(frame.rows), cols: Number(frame.cols) });
        return;
      case "kill":
        session.kill();
        return;
      default:
        throw new InvalidInputError(`unknown frame type ${JSON.stringify(frame.type).slice(0, 40)}`);
    }
  }

  closed(): void {
    this.#link.abort(new Error("websocket closed"));
    this.#link.release();
    this.session?.kill();
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** Registers the WebSocket exec route (needs startServer's WebSocket server; app.request() cannot upgrade). */
export function registerExecWsRoute(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  app.get(
    "/sandboxes/:name/exec/ws",
    async (c, next) => {
      const name = validateSandboxName(c.req.param("name"));
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new InvalidInputError("this route speaks WebSocket: connect with a WebSocket client (Upgrade: websocket)");
      }
      // Refuse a missing sandbox with a plain 404 before upgrading.
      await deps.backend.get(name, { signal: c.get("signal") });
      await next();
    },
    upgradeWebSocket((c) => {
      const name = c.req.param("name") ?? "";
      let exec: WsExec | undefined;
      let startTimer: NodeJS.Timeout | undefined;
      return {
        onOpen: (_evt, ws) => {
          exec = new WsExec(deps, name, ws);
          startTimer = setTimeout(() => exec?.fail(new InvalidInputError("no start frame within 30 s")), START_TIMEOUT_MS);
        },
        onMessage: (evt, ws) => {
          const current = exec ?? new WsExec(deps, name, ws);
          exec = current;
          try {
            const frame = parseFrame(evt.data);
            if (frame.type === "start") {
              if (current.started) throw new InvalidInputError("already started");
              current.started = true;
              clearTimeout(startTimer);
              current.start(frame).catch((error: unknown) => current.fail(error));
            } else current.input(frame);
          } catch (error) {
            current.fail(error);
          }
        },
        onClose: () => {
          clearTimeout(startTimer);
          exec?.closed();
        },
      };
    }),
  );
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/sandboxes/{name}/exec/ws",
    summary:
      "Interactive exec/attach over a WebSocket (JSON text frames: start, stdin, stdin_eof, resize, kill → started, stdout, stderr, exit, error)",
    responses: { 101: { description: "switching protocols" } },
  });
}
