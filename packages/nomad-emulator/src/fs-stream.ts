/** Nomad's stream framing: concatenated JSON frames ≤ 64 KiB with `{}` heartbeats, or raw bytes with plain=true. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { open, stat } from "node:fs/promises";

/** Frames carry at most 64 KiB of data (REFERENCE §6). */
export const FRAME_MAX = 64 * 1024;
/** Idle heartbeat interval while following, and how often a followed file is polled (≈ the 200 ms batch window). */
export const HEARTBEAT_MS = 1000;
export const POLL_MS = 200;

/** Writes frames (or plain bytes) with back-pressure, heartbeats while idle, and notices the client leaving. */
export class FrameWriter {
  private lastWrite = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  /** True once the client went away; readers stop. */
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    req: IncomingMessage,
    readonly plain: boolean,
    follow: boolean,
  ) {
    res.statusCode = 200;
    res.setHeader("Content-Type", plain ? "text/plain; charset=utf-8" : "application/json");
    const onGone = (): void => {
      this.closed = true;
      this.stop();
    };
    res.on("close", onGone);
    req.on("close", () => {
      if (!res.writableFinished) onGone();
    });
    if (follow && !plain) {
      this.heartbeat = setInterval(() => {
        if (Date.now() - this.lastWrite >= HEARTBEAT_MS) void this.write("{}");
      }, HEARTBEAT_MS / 4);
      this.heartbeat.unref();
    }
  }

  /** Sends data read from `file`; `offset` is the file position just after it. */
  async data(file: string, data: Buffer, offset: number): Promise<void> {
    if (this.plain) return this.write(data);
    for (let i = 0; i < data.length; i += FRAME_MAX) {
      const piece = data.subarray(i, i + FRAME_MAX);
      const end = offset - data.length + i + piece.length;
      await this.write(JSON.stringify({ Offset: end, Data: piece.toString("base64"), File: file }));
    }
  }

  /** A `file truncated` / `file deleted` event frame (nothing in plain mode). */
  async event(file: string, fileEvent: string): Promise<void> {
    if (!this.plain) await this.write(JSON.stringify({ File: file, FileEvent: fileEvent }));
  }

  private write(chunk: string | Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.lastWrite = Date.now();
    if (this.res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }

  /** Stops heartbeats. */
  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Ends the response normally. */
  finish(): void {
    this.stop();
    if (!this.closed) this.res.end();
  }
}

/** Why a file stream stopped. */
export type StreamEnd = "eof" | "deleted" | "moved-on" | "closed";

/** What to stream from one file. */
export interface FileStreamSpec {
  host: string;
  /** The `File` label of frames. */
  label: string;
  offset: number;
  follow: boolean;
  /** Logs: at EOF, true when a newer rotated file exists, so the caller moves on to it. */
  hasNext?: () => Promise<boolean>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Streams one file from `offset`; while following, polls for growth, truncation (restart at 0) and deletion. */
export async function streamFile(w: FrameWriter, spec: FileStreamSpec): Promise<StreamEnd> {
  const fh = await open(spec.host, "r");
  const buf = Buffer.alloc(FRAME_MAX);
  let pos = spec.offset;
  let draining = false;
  try {
    for (;;) {
      if (w.closed) return "closed";
      const { bytesRead } = await fh.read(buf, 0, FRAME_MAX, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        await w.data(spec.label, Buffer.from(buf.subarray(0, bytesRead)), pos);
        continue;
      }
      if (draining) return "moved-on";
      if (spec.hasNext && (await spec.hasNext())) {
        // The writer has rotated: whatever it wrote here before that is still ours to send, then move on.
        draining = true;
        continue;
      }
      if (!spec.follow) return "eof";
      const now = await stat(spec.host).catch(() => undefined);
      if (!now) {
        await w.event(spec.label, "file deleted");
        return "deleted";
      }
      if (now.size < pos) {
        await w.event(spec.label, "file truncated");
        pos = 0;
        continue;
      }
      await sleep(POLL_MS);
    }
  } finally {
    await fh.close();
  }
}
