/** Exec for the reference backend: spawns a real host process (no isolation) and adapts it to an ExecSession. */
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { PassThrough, Readable } from "node:stream";
import { AbortedError, type ExecExit, type ExecRequest, type ExecSession, TimeoutError } from "@agentkernel/core";

const BACKEND = "reference";

export interface SpawnSessionOptions {
  request: ExecRequest;
  /** Host directory the process starts in (the mapped cwd). */
  hostCwd: string;
  env: Record<string, string>;
  /** Called with the child once it exists, and again (with `done`) when it has exited. */
  track: (child: ChildProcess, done: boolean) => void;
}

/** Kills the child's whole process group (it is spawned detached, so it leads one); already gone is fine. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group already ended between the check and the kill.
  }
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

function feedStdin(child: ChildProcess, stdin: ExecRequest["stdin"]): void {
  const sink = child.stdin;
  if (!sink) return;
  // A program may exit without reading its input; EPIPE then is not the caller's error.
  sink.on("error", () => {});
  if (stdin === "pipe") return;
  if (stdin === undefined) sink.end();
  else if (typeof stdin === "string" || stdin instanceof Uint8Array) sink.end(stdin);
  else if (stdin instanceof Readable) stdin.pipe(sink);
}

/**
 * Spawns `request.command` as argv (never through a shell) in its own process group, so that a
 * timeout, abort or kill ends everything it started.
 */
export function spawnSession(options: SpawnSessionOptions): ExecSession {
  const { request } = options;
  const [file = "", ...args] = request.command;
  const child = spawn(file, args, { cwd: options.hostCwd, env: options.env, detached: true, stdio: "pipe" });
  options.track(child, false);
  const stderr = new PassThrough();
  let spawnError: Error | undefined;
  let ended: "timeout" | "aborted" | undefined;

  const endAs = (reason: "timeout" | "aborted"): void => {
    ended ??= reason;
    killGroup(child);
  };
  const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => endAs("timeout"), request.timeoutMs);
  const onAbort = (): void => endAs("aborted");
  request.signal?.addEventListener("abort", onAbort, { once: true });

  child.stderr?.pipe(stderr, { end: false });
  child.stderr?.on("end", () => {
    // A command that could not start reports like a shell would: a message and exit code 127.
    if (spawnError) stderr.write(`${file}: ${spawnError.message}\n`);
    stderr.end();
  });

  const exit = new Promise<ExecExit>((resolve, reject) => {
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      options.track(child, true);
      if (ended === "timeout") {
        reject(
          new TimeoutError(
            `command ran past its ${request.timeoutMs} ms timeout and was killed; raise timeoutMs if it needs longer`,
            { backend: BACKEND },
          ),
        );
      } else if (ended === "aborted") {
        reject(new AbortedError("command was aborted by its AbortSignal and was killed", { backend: BACKEND }));
      } else {
        resolve({ exitCode: spawnError ? 127 : exitCodeOf(code, signal) });
      }
    });
  });
  feedStdin(child, request.stdin);
  if (request.signal?.aborted) endAs("aborted");

  return {
    stdin: request.stdin === "pipe" ? child.stdin : null,
    stdout: child.stdout ?? Readable.from([]),
    stderr,
    exit,
    resize: () => {
      // No tty in the reference backend (capabilities.tty is false): nothing to resize.
    },
    kill: () => killGroup(child),
  };
}
