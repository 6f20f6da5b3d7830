/** Turns a process's stdout/stderr into Nomad exec frames: base64, driver-sized chunks, back-pressured, cut on fault. */
import type { Duplex, Readable } from "node:stream";
import type { WebSocket } from "ws";
import { encodeDataFrames, SlabPool } from "./exec-frame-encode.js";

/**
 * Raw bytes per data frame: docker's exec path sends at most 1024, the exec/raw_exec executor 4096 (REFERENCE §5).
 * We read the pipe in libuv's reads of up to 64 KiB (a full default Linux pipe: fewer syscalls and wakeups than
 * 4 KiB reads) and cut each read into frames of that bound, which is what a client of real Nomad sees from a
 * process that writes faster than the agent forwards.
 */
export function frameChunkSize(driver: string): number {
  return driver === "docker" ? 1024 : 4096;
}

/** Above this many unsent bytes the process's pipes are paused; they resume below LOW. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/** Options for one session's output pump. */
export interface OutputPumpOptions {
  ws: WebSocket;
  /** The socket under `ws`: corked while one pipe read's frames are queued, so they leave in one write. */
  socket: Duplex;
  chunkSize: number;
  /** tty: a pty turns `\n` into `\r\n` (ONLCR) and stderr shares stdout. */
  tty: boolean;
  /** stdout comes from a real pty, which already did ONLCR: converting again would give `\r\r\n`. */
  pty?: boolean;
  /** Fault: after this many stdout bytes the socket is dropped. */
  cutAfterBytes: number | undefined;
  /** Called once when the cut fault fires (the caller drops the socket and kills the process). */
  onCut: () => void;
}

/** Pumps the child's output into frames; `done` resolves when every stream sent its `close` frame. */
export class OutputPump {
  private pending = 0;
  private stdoutBytes = 0;
  private cut = false;
  private readonly sources: Readable[] = [];
  private readonly slabs = new SlabPool();

  constructor(private readonly o: OutputPumpOptions) {}

  /** Frames one output stream; resolves once its `{"<name>":{"close":true}}` frame is queued. */
  attach(stream: Readable, name: "stdout" | "stderr"): Promise<void> {
    this.sources.push(stream);
    const frameName = this.o.tty ? "stdout" : name;
    return new Promise((resolve) => {
      // With a pty only its own stdout is terminal output; stderr then carries the helper's or bwrap's complaints.
      const crlf = this.o.tty && !(this.o.pty && name === "stdout");
      stream.on("data", (chunk: Buffer) => this.onData(frameName, crlf ? onlcr(chunk) : chunk));
      stream.once("error", () => stream.destroy());
      stream.once("close", () => {
        // With a tty there is a single stream: stderr's end is not announced (REFERENCE §5).
        if (!this.cut && !(this.o.tty && name === "stderr")) this.send({ [name]: { close: true } });
        resolve();
      });
    });
  }

  private onData(name: "stdout" | "stderr", chunk: Buffer): void {
    if (this.cut) return;
    let data = chunk;
    if (name === "stdout" && this.o.cutAfterBytes !== undefined) {
      const room = this.o.cutAfterBytes - this.stdoutBytes;
      if (data.length >= room) {
        data = data.subarray(0, Math.max(room, 0));
        this.sendChunks(name, data);
        this.cut = true;
        this.o.onCut();
        return;
      }
      this.stdoutBytes += data.length;
    }
    this.sendChunks(name, data);
  }

  /**
   * One pipe read's frames, each still its own WebSocket message, handed to the socket while it is corked: one
   * writev per read instead of one per 4 KiB frame (the per-frame syscalls were most of the emulator's time).
   */
  private sendChunks(name: "stdout" | "stderr", data: Buffer): void {
    const { frames, buffer, bytes } = encodeDataFrames(name, data, this.o.chunkSize, (n) => this.slabs.take(n));
    const last = frames.pop();
    if (last === undefined) return;
    this.o.socket.cork();
    try {
      for (const frame of frames) this.o.ws.send(frame, { binary: false });
      // The last frame's callback runs once the whole batch is written (or failed): then its buffer is free.
      this.track(
        bytes,
        (done) => this.o.ws.send(last, { binary: false }, done),
        () => this.slabs.give(buffer),
      );
    } finally {
      this.o.socket.uncork();
    }
  }

  /** Sends one JSON frame; tracks unsent bytes so a slow reader slows the process, not our memory. */
  send(frame: unknown, onSent?: (err?: Error) => void): void {
    const text = JSON.stringify(frame);
    this.track(text.length, (done) => this.o.ws.send(text, done), onSent);
  }

  // Frames queued in order complete in order, so one callback on a batch's last frame accounts for the batch.
  private track(size: number, write: (done: (err?: Error) => void) => void, onSent?: (err?: Error) => void): void {
    this.pending += size;
    if (this.pending > HIGH_WATER) for (const s of this.sources) s.pause();
    write((err) => {
      this.pending -= size;
      if (this.pending < LOW_WATER) for (const s of this.sources) if (!s.destroyed) s.resume();
      onSent?.(err);
    });
  }
}

/** A pty's ONLCR output processing: every `\n` becomes `\r\n`. */
export function onlcr(buf: Buffer): Buffer {
  if (!buf.includes(0x0a)) return buf;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) {
    parts.push(buf.subarray(start, i), CRLF);
    start = i + 1;
  }
  parts.push(buf.subarray(start));
  return Buffer.concat(parts);
}

const CRLF = Buffer.from("\r\n");
