/** The local end of exec/run: which stdin to pass, the tty size and raw mode, and --json output capture. */
import type { Readable, Writable } from "node:stream";
import type { TtySize } from "@agentkernel/core";
import type { ExecIo } from "./exec.js";
import { CollectingWritable } from "./stream-io.js";

/** How the local terminal should be wired. */
export interface TerminalOptions {
  /** `-i`: always pass stdin. Without it, stdin is passed only when it is not a terminal (a pipe or a file). */
  interactive: boolean;
  /** `-t`: allocate a remote terminal. */
  tty: boolean;
  /** --json: capture output instead of streaming it. */
  json: boolean;
}

/** The wired I/O plus `restore()` (leave raw mode) and, for --json, the captured output. */
export interface LocalTerminal {
  io: ExecIo;
  restore(): void;
  captured(): { stdout: string; stderr: string } | undefined;
}

/** The size of a local terminal; 80×24 when it reports none (not a terminal, or a zero size). */
export function terminalSize(out: { rows?: number; columns?: number }): TtySize {
  return { rows: out.rows || 24, cols: out.columns || 80 };
}

/** Wires process stdio for an exec according to -i/-t/--json. */
export function localTerminal(
  options: TerminalOptions,
  proc: {
    stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
    stdout: Writable & { isTTY?: boolean; rows?: number; columns?: number };
    stderr: Writable;
  } = process,
): LocalTerminal {
  const passStdin = options.interactive || proc.stdin.isTTY !== true;
  const outCapture = options.json ? new CollectingWritable() : undefined;
  const errCapture = options.json ? new CollectingWritable() : undefined;
  const size = (): TtySize => terminalSize(proc.stdout);
  const raw = options.tty && options.interactive && proc.stdin.isTTY === true && typeof proc.stdin.setRawMode === "function";
  // In raw mode Ctrl-C reaches the remote terminal as a byte, as it would in an ssh session.
  if (raw) proc.stdin.setRawMode?.(true);
  const io: ExecIo = {
    stdin: passStdin ? proc.stdin : undefined,
    stdout: outCapture ?? proc.stdout,
    stderr: errCapture ?? proc.stderr,
    tty: options.tty ? size() : undefined,
    onResize: options.tty
      ? (listener) => {
          const onResize = () => listener(size());
          process.on("SIGWINCH", onResize);
          return () => process.off("SIGWINCH", onResize);
        }
      : undefined,
  };
  return {
    io,
    restore: () => {
      if (raw) proc.stdin.setRawMode?.(false);
    },
    captured: () =>
      outCapture && errCapture
        ? { stdout: outCapture.buffer.toString("utf8"), stderr: errCapture.buffer.toString("utf8") }
        : undefined,
  };
}
