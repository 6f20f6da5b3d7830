/** Exec request and session types, plus a helper that collects a session's output. */
import type { Readable, Writable } from "node:stream";
import { InvalidInputError } from "./errors/invalid-input-error.js";

export interface TtySize {
  rows: number;
  cols: number;
}

/** One command to run inside a sandbox. `command` is argv: never joined into shell text. */
export interface ExecRequest {
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  user?: string;
  /** Allocate a terminal (stderr merges into stdout); `true` uses 80×24. */
  tty?: boolean | TtySize;
  /**
   * Input: bytes or a stream to send then close, or `"pipe"` to write through `session.stdin`.
   * Absent: stdin is closed at once.
   */
  stdin?: Uint8Array | string | Readable | "pipe";
  /** The remote process is ended and `exit` rejects with TimeoutError after this long. */
  timeoutMs?: number;
  /** Aborting ends the remote process; `exit` rejects with AbortedError. */
  signal?: AbortSignal;
}

export interface ExecExit {
  /** The remote process's exit code; 128+N when killed by signal N. */
  exitCode: number;
}

/** A running command. Read stdout/stderr (back-pressured) and await `exit`. */
export interface ExecSession {
  /** Present when the request asked for `stdin: "pipe"`. End it to send EOF. */
  stdin: Writable | null;
  stdout: Readable;
  /** Empty when a tty was requested. */
  stderr: Readable;
  /** Resolves with the exit code; rejects with a core error (TIMEOUT, ABORTED, STREAM_INTERRUPTED…). */
  exit: Promise<ExecExit>;
  resize(size: TtySize): void;
  /** Ends the remote command (best effort; `exit` then settles). */
  kill(): void;
}

/** Result of `collectExec`. */
export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  /** True when output past `maxBytes` was dropped. */
  truncated: boolean;
}

/** Validates the shape of an ExecRequest at the edge (argv non-empty, strings only). */
export function validateExecRequest(request: ExecRequest): ExecRequest {
  if (!Array.isArray(request.command) || request.command.length === 0) {
    throw new InvalidInputError('command: must be a non-empty array of strings (argv), e.g. ["echo", "hi"]');
  }
  request.command.forEach((arg, i) => {
    if (typeof arg !== "string") throw new InvalidInputError(`command[${i}]: must be a string`);
    if (arg.includes("\0")) throw new InvalidInputError(`command[${i}]: must not contain a NUL byte`);
  });
  if (request.timeoutMs !== undefined && (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0)) {
    throw new InvalidInputError("timeoutMs: must be a positive number of milliseconds");
  }
  return request;
}

/**
 * Reads one output stream to its end, keeping at most `maxBytes` of it; with `onChunk`, every chunk goes to the
 * hook instead (awaited, so a slow consumer slows the stream) and nothing is kept.
 */
export async function drainOutput(
  stream: Readable,
  maxBytes: number,
  onChunk?: (chunk: Buffer) => unknown,
): Promise<{ data: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const raw of stream) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    if (onChunk) {
      await onChunk(chunk);
      continue;
    }
    if (size + chunk.length > maxBytes) {
      truncated = true;
      chunks.push(chunk.subarray(0, Math.max(0, maxBytes - size)));
      size = maxBytes;
      continue;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { data: Buffer.concat(chunks), truncated };
}

/** Reads a session to the end, keeping at most `maxBytes` of each stream. */
export async function collectExec(session: ExecSession, maxBytes = 64 * 1024 * 1024): Promise<ExecResult> {
  const [stdout, stderr, exit] = await Promise.all([
    drainOutput(session.stdout, maxBytes),
    drainOutput(session.stderr, maxBytes),
    session.exit,
  ]);
  return { exitCode: exit.exitCode, stdout: stdout.data, stderr: stderr.data, truncated: stdout.truncated || stderr.truncated };
}
