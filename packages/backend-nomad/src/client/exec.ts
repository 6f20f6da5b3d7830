// Opens Nomad's exec WebSocket (/v1/client/allocation/:id/exec) with the token in the upgrade header, never the URL.
import { AbortedError, InvalidInputError, TimeoutError } from "@agentkernel/core";
import WebSocket from "ws";
import { NomadConnectionError, NomadResponseError, toCoreError } from "./errors.js";
import { ExecSession, type NomadExecStream } from "./exec-session.js";
import type { Transport } from "./http.js";
import { scopeParams, seg } from "./params.js";

export type { NomadExecStream } from "./exec-session.js";

/** What to run. `command` is argv, sent as Nomad's JSON `command` parameter: never shell text. */
export interface ExecStartOptions {
  task: string;
  command: string[];
  tty?: boolean;
  /** Initial terminal size, sent right after the upgrade (tty only). */
  ttySize?: { rows: number; cols: number };
  /** Aborting closes the socket; `exitCode` rejects with AbortedError. */
  signal?: AbortSignal;
  namespace?: string;
  region?: string;
  /** Time allowed for the upgrade; default the client's timeout. */
  timeoutMs?: number;
  /** Interval of the `{}` heartbeat frame; default 10 000 like Nomad's own clients. */
  heartbeatMs?: number;
}

/** Exec endpoint, named after Nomad's Go `api.Allocations.Exec`. */
export class Exec {
  readonly #t: Transport;
  readonly #open = new Set<ExecSession>();
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Closes every open session (their `exitCode` rejects with AbortedError); used by `NomadClient.close()`. */
  closeAll(): void {
    for (const session of this.#open) session.close();
  }

  /**
   * Opens a session once the upgrade succeeds. Nomad 1.x answers 101 first and reports most errors
   * (unknown task, ACL) as close frames, so those surface as `exitCode` rejections with core errors.
   */
  start(allocId: string, opts: ExecStartOptions): Promise<NomadExecStream> {
    if (opts.command.length === 0) {
      return Promise.reject(new InvalidInputError('exec: command must be a non-empty argv array, e.g. ["echo", "hi"]'));
    }
    const where = `allocation ${allocId} task ${opts.task}`;
    const params = new URLSearchParams({
      task: opts.task,
      command: JSON.stringify(opts.command),
      tty: String(opts.tty === true),
    });
    scopeParams(params, opts, this.#t.defaults);
    const path = this.#t.target(`/v1/client/allocation/${seg(allocId)}/exec`, params);
    const { endpoint, tls } = this.#t;
    const url = endpoint.socketPath
      ? `ws+unix://${endpoint.socketPath}:${path}`
      : `${endpoint.secure ? "wss" : "ws"}://${new URL(endpoint.origin).host}${path}`;
    const timeoutMs = opts.timeoutMs ?? this.#t.timeoutMs;
    const context = { action: `exec in ${where}`, capability: "alloc-exec", resource: `allocation "${allocId}"` };
    const ws = new WebSocket(url, {
      headers: this.#t.authHeaders(),
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      ...(endpoint.secure ? tls : {}),
    });
    const session = new ExecSession(ws, where);
    this.#open.add(session);
    const forget = () => this.#open.delete(session);
    session.exitCode.then(forget, forget);
    return new Promise<NomadExecStream>((resolve, reject) => {
      let opened = false;
      const onAbort = () => {
        const err = new AbortedError(`exec in ${where}: aborted by the caller`, { backend: "nomad" });
        if (!opened) reject(err);
        session.abort(err);
      };
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      session.exitCode.then(
        () => opts.signal?.removeEventListener("abort", onAbort),
        () => opts.signal?.removeEventListener("abort", onAbort),
      );
      ws.once("open", () => {
        opened = true;
        session.opened(opts.heartbeatMs);
        if (opts.tty && opts.ttySize) session.resize(opts.ttySize.rows, opts.ttySize.cols);
        resolve(session);
      });
      ws.once("unexpected-response", (req, res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          reject(toCoreError(new NomadResponseError(res.statusCode ?? 0, body, "GET", path), context));
          req.destroy();
        });
        res.on("error", () => reject(toCoreError(new NomadResponseError(res.statusCode ?? 0, "", "GET", path), context)));
      });
      ws.once("error", (err: Error & { code?: string }) => {
        if (opened) return;
        if (/handshake has timed out/i.test(err.message)) {
          reject(
            new TimeoutError(`exec in ${where}: Nomad did not accept the WebSocket within ${timeoutMs} ms`, {
              backend: "nomad",
              cause: err,
            }),
          );
        } else {
          reject(toCoreError(new NomadConnectionError("GET", path, err.code, err.message), context));
        }
      });
    });
  }
}
