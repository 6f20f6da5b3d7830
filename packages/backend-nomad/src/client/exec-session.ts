// One exec WebSocket session: frames in and out, back-pressured output streams, heartbeats and the exit code.
import { Readable } from "node:stream";
import { AbortedError, type AgentkernelError, StreamInterruptedError } from "@agentkernel/core";
import type WebSocket from "ws";
import { execCloseToCoreError } from "./exec-errors.js";
import { ExecDataDecoder } from "./frames.js";

/** A running command in an allocation, over Nomad's exec WebSocket. */
export interface NomadExecStream {
  /** Back-pressured: the socket pauses while a reader is slow. Ends at the stream's close frame or the exit. */
  stdout: Readable;
  /** Empty with a tty (Nomad merges stderr into stdout). */
  stderr: Readable;
  /** Sends bytes in 2048-byte frames; resolves once they are handed to the socket. */
  writeStdin(data: Uint8Array): Promise<void>;
  /** Sends EOF in its own frame, after every pending write. */
  closeStdin(): void;
  /** Resizes the tty (rows × cols). */
  resize(rows: number, cols: number): void;
  /** From the `exited` frame (absent exit_code = 0). Rejects with StreamInterruptedError if the socket drops first. */
  exitCode: Promise<number>;
  /** Closes the socket; a pending `exitCode` rejects with AbortedError. Nomad may leave the process running. */
  close(): void;
}

const STDIN_CHUNK = 2048;
const STDIN_WINDOW = 32;
const HEARTBEAT_MS = 10_000;
const HIGH_WATER = 64 * 1024;

interface ExecFrame {
  stdout?: { data?: string; close?: boolean };
  stderr?: { data?: string; close?: boolean };
  exited?: boolean;
  result?: { exit_code?: number };
}

/** Drives one socket. Create it before the socket opens so no frame is missed. */
export class ExecSession implements NomadExecStream {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exitCode: Promise<number>;
  readonly #ws: WebSocket;
  readonly #where: string;
  #settle!: { resolve: (code: number) => void; reject: (err: AgentkernelError) => void };
  #done = false;
  #stdinClosed = false;
  #stdinChain: Promise<void> = Promise.resolve();
  #heartbeat: NodeJS.Timeout | undefined;
  #closedByUs: AgentkernelError | undefined;
  readonly #ended = new Set<Readable>();
  readonly #data = new ExecDataDecoder();

  constructor(ws: WebSocket, where: string) {
    this.#ws = ws;
    this.#where = where;
    this.exitCode = new Promise<number>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Callers that only read the streams must not crash the process with an unhandled rejection.
    this.exitCode.catch(() => {});
    this.stdout = new Readable({ highWaterMark: HIGH_WATER, read: () => this.#wants(this.stderr) });
    this.stderr = new Readable({ highWaterMark: HIGH_WATER, read: () => this.#wants(this.stdout) });
    ws.on("message", (data) => this.#onMessage(data));
    ws.on("close", (code, reason) => this.#onClose(code, reason.toString("utf8")));
    // Errors are always followed by "close", which settles the session; the listener only keeps ws from throwing.
    ws.on("error", () => {});
  }

  /** Starts the app-level heartbeat (keeps proxies from closing an idle session) once the socket is open. */
  opened(heartbeatMs = HEARTBEAT_MS): void {
    this.#heartbeat = setInterval(() => this.#send({}), heartbeatMs);
    this.#heartbeat.unref();
  }

  writeStdin(data: Uint8Array): Promise<void> {
    const run = async () => {
      if (this.#stdinClosed) throw new StreamInterruptedError(`exec in ${this.#where}: stdin is already closed`);
      // Pipelined: up to STDIN_WINDOW frames wait on the socket at once, so memory stays bounded without a
      // full event-loop round trip per 2 KiB frame.
      const inFlight: Promise<void>[] = [];
      for (let off = 0; off < data.length; off += STDIN_CHUNK) {
        const chunk = Buffer.from(data.buffer, data.byteOffset + off, Math.min(STDIN_CHUNK, data.length - off));
        const sent = this.#sendAsync({ stdin: { data: chunk.toString("base64") } });
        sent.catch(() => {}); // Failures surface through the await below; later ones must not go unhandled.
        inFlight.push(sent);
        if (inFlight.length >= STDIN_WINDOW) await inFlight.shift();
      }
      await Promise.all(inFlight);
    };
    const next = this.#stdinChain.then(run);
    this.#stdinChain = next.catch(() => {});
    return next;
  }

  closeStdin(): void {
    if (this.#stdinClosed) return;
    this.#stdinChain = this.#stdinChain.then(() => {
      this.#stdinClosed = true;
      // Its own frame: the docker path drops data sent together with close.
      this.#send({ stdin: { close: true } });
    });
  }

  resize(rows: number, cols: number): void {
    this.#send({ tty_size: { height: rows, width: cols } });
  }

  close(): void {
    this.abort(
      new AbortedError(`exec in ${this.#where}: the session was closed before the command exited`, { backend: "nomad" }),
    );
  }

  /** Ends the session with `error` (unless the exit already arrived) and closes the socket. */
  abort(error: AgentkernelError): void {
    if (!this.#done) this.#closedByUs = error;
    this.#shutdown();
  }

  // A paused socket cannot read the peer's close reply, so resume first, and never wait more than 2 s for it.
  #shutdown(): void {
    const ws = this.#ws;
    if (ws.readyState === ws.CLOSED) return;
    if (ws.readyState !== ws.OPEN) {
      ws.terminate();
      return;
    }
    ws.resume();
    ws.close(1000);
    setTimeout(() => ws.terminate(), 2_000).unref();
  }

  #send(frame: object): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #sendAsync(frame: object): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#ws.readyState !== this.#ws.OPEN) {
        reject(new StreamInterruptedError(`exec in ${this.#where}: the session is closed; stdin cannot be written`));
        return;
      }
      this.#ws.send(JSON.stringify(frame), (err) => {
        if (err) reject(new StreamInterruptedError(`exec in ${this.#where}: writing stdin failed`, { cause: err }));
        else resolve();
      });
    });
  }

  // A stream asked for data. Its own buffer may still look full here (Readable calls _read before it removes the
  // bytes it hands out), so only the other stream's fill level decides; both share one socket.
  #wants(other: Readable): void {
    if (this.#ws.isPaused && other.readableLength < HIGH_WATER) this.#ws.resume();
  }

  #push(stream: Readable, data: string | Buffer | undefined, close: boolean | undefined): void {
    if (this.#ended.has(stream) || stream.destroyed) return;
    const bytes = typeof data === "string" ? Buffer.from(data, "base64") : data;
    if (bytes && bytes.length > 0 && !stream.push(bytes)) this.#ws.pause();
    if (close) this.#end(stream);
  }

  #end(stream: Readable): void {
    // Pushing after EOF raises an error event, so each stream is ended exactly once.
    if (this.#ended.has(stream)) return;
    this.#ended.add(stream);
    if (!stream.destroyed) stream.push(null);
  }

  #endStreams(): void {
    this.#end(this.stdout);
    this.#end(this.stderr);
  }

  #onMessage(raw: WebSocket.RawData): void {
    // Output frames skip JSON.parse (see ExecDataDecoder); every other frame takes the general path below.
    const fast = Buffer.isBuffer(raw) ? this.#data.decode(raw) : undefined;
    if (fast) {
      this.#push(fast.stream === "stdout" ? this.stdout : this.stderr, fast.data, false);
      return;
    }
    let frame: ExecFrame;
    try {
      frame = JSON.parse(raw.toString()) as ExecFrame;
    } catch {
      return; // Not a frame we understand; Nomad's own clients ignore such frames too.
    }
    if (frame.stdout) this.#push(this.stdout, frame.stdout.data, frame.stdout.close);
    if (frame.stderr) this.#push(this.stderr, frame.stderr.data, frame.stderr.close);
    if (frame.exited && !this.#done) {
      this.#done = true;
      this.#endStreams();
      this.#settle.resolve(frame.result?.exit_code ?? 0);
      // Nomad drops the TCP connection next; closing first frees the socket either way.
      this.#shutdown();
    }
  }

  #onClose(code: number, reason: string): void {
    clearInterval(this.#heartbeat);
    this.#stdinClosed = true;
    this.#endStreams();
    if (this.#done) return;
    this.#done = true;
    this.#settle.reject(this.#closedByUs ?? execCloseToCoreError(code, reason, this.#where));
  }
}
