/** How a tty exec runs: on a real pty through core's Python helper, or the pipe approximation when python3 is missing. */
import { ptyHelperArgv, ptyResizeLine } from "@agentkernel/core";
import { closeSync, openSync, readSync } from "node:fs";
import { posix } from "node:path";
import { type ExecLookupView, lookupExecutable, viewToHost } from "./exec-lookup.js";
import { DEFAULT_PATH } from "./task-process.js";

/** Nomad's exec API carries no initial size; the first `tty_size` frame (clients send one at once) resizes. */
const INITIAL_ROWS = 24;
const INITIAL_COLS = 80;

/** The argv to spawn and whether it runs on a real pty (then fd 3 takes resize lines). */
export interface TtyPlan {
  argv: string[];
  pty: boolean;
}

/**
 * Plans a session's argv. tty + python3 in the task's view → a real pty (`isatty()` true, stderr is the
 * terminal too, ONLCR/echo by the kernel). tty without python3 → `sh -c 'exec "$@" 2>&1'`, a pipe
 * approximation. argv stays argv in every case, never shell text.
 */
export function planTtyCommand(argv: string[], tty: boolean, view: ExecLookupView): TtyPlan {
  if (!tty) return { argv, pty: false };
  const python = findPython(view);
  if (python !== undefined) return { argv: ptyHelperArgv(INITIAL_ROWS, INITIAL_COLS, argv, python), pty: true };
  return { argv: ["/bin/sh", "-c", 'exec "$@" 2>&1', "sh", ...argv], pty: false };
}

/**
 * The first python3 on the task's PATH that is a binary, as an absolute path. A wrapper script found first
 * (a pyenv shim is a bash script) can close fd 3 on its way to the interpreter, and resizes would be lost.
 */
function findPython(view: ExecLookupView): string | undefined {
  for (const dir of (view.path || DEFAULT_PATH).split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = posix.join(dir, "python3");
    if (lookupExecutable(candidate, view) === undefined && !isScript(viewToHost(view, candidate))) return candidate;
  }
  return undefined;
}

/** True when the file starts with `#!` (or cannot be read, which is as unusable). */
function isScript(hostPath: string): boolean {
  const head = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(hostPath, "r");
    return readSync(fd, head, 0, 2, 0) < 2 || head.toString("latin1") === "#!";
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The helper's resize line for a `{"tty_size":{"height","width"}}` frame; undefined for anything else. */
export function resizeLineOf(frame: Record<string, unknown>): string | undefined {
  const size = frame.tty_size;
  if (!size || typeof size !== "object") return undefined;
  const { height, width } = size as { height?: unknown; width?: unknown };
  // Go decodes a missing or null field as 0; a pty of 0 rows makes no sense, so such frames are ignored.
  if (typeof height !== "number" || typeof width !== "number" || height <= 0 || width <= 0) return undefined;
  return ptyResizeLine(height, width);
}
