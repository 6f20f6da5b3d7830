/** Spawns one host command as an ExecSession: stdin modes, tty through a pty helper, timeout/abort killing the whole tree. */
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { PassThrough, Readable, type Writable } from "node:stream";
import {
  AbortedError,
  type ExecExit,
  type ExecRequest,
  type ExecSession,
  InternalError,
  ptyHelperArgv,
  ptyResizeLine,
  TimeoutError,
  type TtySize,
} from "@agentkernel/core";
import { killTree } from "./local-proc.js";

/** End-of-file on a terminal in canonical mode: ^D. */
const EOT = "\x04";

/** A fully built host command. */
export interface HostCommand {
  argv: string[];
  env: Record<string, string>;
}

/** Rewrites `command` to run under the pty helper with a terminal of `size`. */
function ttyCommand(command: HostCommand, size: TtySize): HostCommand {
  return { argv: ptyHelperArgv(size.rows, size.cols, command.argv), env: command.env };
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Feeds `source` into the child's stdin; with a tty, EOF is sent as ^D (closing the pipe is not EOF for the program). */
function feedStdin(child: ChildProcess, source: ExecRequest["stdin"], tty: boolean): Writable | null {
  const sink = child.stdin;
  if (!sink) return null;
  sink.on("error", () => {
    // EPIPE: the program exited without reading everything; its exit code tells the story.
  });
  let lastByte = 0x0a;
  const finish = (): void => {
    if (tty) sink.write(lastByte === 0x0a ? EOT : EOT + EOT);
    sink.end();
  };
  if (source === undefined) {
    finish();
    return null;
  }
  const piped = source === "pipe";
  if (!piped && (typeof source === "string" || source instanceof Uint8Array)) {
    const bytes = typeof source === "string" ? Buffer.from(source) : source;
    if (bytes.length > 0) lastByte = bytes[bytes.length - 1] ?? 0x0a;
    sink.write(bytes);
    finish();
    return null;
  }
  const input: Readable = piped ? new PassThrough() : (source as Readable);
  input.on("data", (chunk: Buffer | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (buf.length > 0) lastByte = buf[buf.length - 1] ?? 0x0a;
    if (!sink.write(buf)) {
      input.pause();
      sink.once("drain", () => input.resume());
    }
  });
  input.on("end", finish);
  input.on("error", () => sink.destroy());
  return piped ? (input as PassThrough) : null;
}

/** Starts `command` and wraps it as an ExecSession. The caller validated the request. */
export function spawnSession(command: HostCommand, request: ExecRequest, backend = "local"): ExecSession {
  const size: TtySize | undefined = request.tty ? (request.tty === true ? { rows: 24, cols: 80 } : request.tty) : undefined;
  const plan = size ? ttyCommand(command, size) : command;
  const [file, ...args] = plan.argv;
  if (request.signal?.aborted) throw new AbortedError("exec was aborted before it started", { backend });
  // detached: its own process group, so a timeout can kill the whole command and its children.
  const child = spawn(file as string, args, {
    env: plan.env,
    detached: true,
    stdio: size ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"],
  });
  const control = size ? (child.stdio[3] as Writable) : undefined;
  control?.on("error", () => {});
  const stdin = feedStdin(child, request.stdin, size !== undefined);
  const stdout = child.stdout as Readable;
  let stderr = child.stderr as Readable;
  if (size) {
    // A tty merges stderr into stdout; the helper's own stderr (a Python traceback at worst) is dropped.
    stderr.resume();
    stderr = Readable.from([]);
  }

  let reason: "timeout" | "abort" | undefined;
  const end = (why: "timeout" | "abort"): void => {
    reason ??= why;
    if (child.pid !== undefined) void killTree(child.pid);
  };
  const timer = request.timeoutMs !== undefined ? setTimeout(() => end("timeout"), request.timeoutMs) : undefined;
  const onAbort = (): void => end("abort");
  request.signal?.addEventListener("abort", onAbort, { once: true });

  const exit = new Promise<ExecExit>((resolve, reject) => {
    child.once("error", (error) => {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      reject(new InternalError(`cannot run ${file}: ${error.message}; is util-linux installed?`, { backend, cause: error }));
    });
    child.once("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      // The tree may still hold children that outlived the leader (a tty's session, a daemonised helper).
      if (reason && child.pid !== undefined) void killTree(child.pid);
      if (reason === "timeout")
        reject(new TimeoutError(`command ran past its ${request.timeoutMs} ms timeout and was killed`, { backend }));
      else if (reason === "abort") reject(new AbortedError("command was aborted and killed", { backend }));
      else resolve({ exitCode: exitCodeOf(code, signal) });
    });
  });
  // A caller that only reads streams must not crash the process with an unhandled rejection.
  exit.catch(() => {});

  return {
    stdin,
    stdout,
    stderr,
    exit,
    resize: (next) => {
      if (control?.writable) control.write(ptyResizeLine(next.rows, next.cols));
    },
    kill: () => {
      if (child.pid !== undefined) void killTree(child.pid);
    },
  };
}
