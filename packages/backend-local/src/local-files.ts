/** readFile/writeFile through the sandbox's own view (an exec of cat), so symlinks and read-only mounts are the sandbox's, never the host's. */
import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import {
  type AgentkernelError,
  drainOutput,
  type ExecRequest,
  type ExecSession,
  InternalError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  StreamInterruptedError,
} from "@agentkernel/core";

/** Runs a request inside the sandbox (already checked to be running). */
export type SandboxRunner = (request: ExecRequest) => Promise<ExecSession>;

/** Fixed helper: make parent dirs, stream stdin into the file, then set the mode when one was given. */
const WRITE_SCRIPT = 'mkdir -p -- "$1" && cat > "$2" && { [ -z "$3" ] || chmod "$3" -- "$2"; }';

async function readText(stream: Readable): Promise<string> {
  return (await drainOutput(stream, Number.POSITIVE_INFINITY)).data.toString("utf8").trim();
}

/** Maps a failed file command's stderr to a core error that says what to do. */
function fileError(action: "write" | "read", sandbox: string, path: string, stderr: string): AgentkernelError {
  const where = `${JSON.stringify(path)} in sandbox "${sandbox}"`;
  const options = { backend: "local" };
  if (/Read-only file system/i.test(stderr)) {
    return new PermissionDeniedError(
      `cannot ${action} ${where}: that part of the sandbox is read-only; write under /tmp or /workspace`,
      options,
    );
  }
  if (/Permission denied/i.test(stderr))
    return new PermissionDeniedError(`cannot ${action} ${where}: permission denied`, options);
  if (/No such file or directory/i.test(stderr)) return new NotFoundError(`${where} does not exist`, options);
  if (/Is a directory|Not a directory|File exists/i.test(stderr)) {
    return new InvalidInputError(`cannot ${action} ${where}: ${stderr.split("\n")[0]}`, options);
  }
  return new InternalError(`cannot ${action} ${where}: ${stderr.slice(0, 500) || "the file command failed"}`, options);
}

/** Writes `data` to `path` inside the sandbox, streaming (any size), creating parent dirs. */
export async function writeSandboxFile(
  run: SandboxRunner,
  sandbox: string,
  path: string,
  data: Uint8Array | string | Readable,
  mode: number | undefined,
): Promise<void> {
  const modeArg = mode === undefined ? "" : (mode & 0o7777).toString(8);
  const session = await run({
    command: ["/bin/sh", "-c", WRITE_SCRIPT, "ak-write", posix.dirname(path), path, modeArg],
    stdin: data,
  });
  session.stdout.resume();
  const [stderr, exit] = await Promise.all([readText(session.stderr), session.exit]);
  if (exit.exitCode !== 0) throw fileError("write", sandbox, path, stderr);
}

/**
 * Streams `path` from inside the sandbox. Waits for the first bytes (or the end) before resolving,
 * so a missing file rejects with NotFoundError instead of failing mid-stream.
 */
export async function readSandboxFile(run: SandboxRunner, sandbox: string, path: string): Promise<Readable> {
  const session = await run({ command: ["cat", "--", path] });
  const stderr = readText(session.stderr);
  const stdout = session.stdout;
  let ended = stdout.readableEnded;
  stdout.once("end", () => {
    ended = true;
  });
  // 'readable' fires for the first bytes; an empty output may only ever emit 'end'.
  await new Promise<void>((resolve) => {
    if (ended) return resolve();
    const done = (): void => {
      stdout.off("readable", done);
      stdout.off("end", done);
      resolve();
    };
    stdout.on("readable", done);
    stdout.on("end", done);
  });
  if (stdout.readableLength === 0) {
    const exit = await session.exit;
    if (exit.exitCode !== 0) throw fileError("read", sandbox, path, await stderr);
  }
  const out = new PassThrough();
  stdout.pipe(out, { end: false });
  Promise.all([session.exit, stderr]).then(
    ([exit, text]) => {
      const finish = (): void => {
        if (exit.exitCode === 0) out.end();
        else
          out.destroy(new StreamInterruptedError(`reading ${JSON.stringify(path)} failed midway: ${text}`, { backend: "local" }));
      };
      if (ended) finish();
      else stdout.once("end", finish);
    },
    (error: unknown) => out.destroy(error as Error),
  );
  return out;
}
