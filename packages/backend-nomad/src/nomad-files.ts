/** writeFile/readFile over exec: bytes stream through `cat` on stdin/stdout; paths travel only as argv. */
import { PassThrough, Readable } from "node:stream";
import {
  AbortedError,
  type AgentkernelError,
  AgentkernelError as CoreError,
  InternalError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  validateSandboxPath,
} from "@agentkernel/core";
import type { NomadExecStream } from "./client/index.js";

/** Starts a plain (unwrapped, no tty) exec in the sandbox. */
export type StartExec = (command: string[]) => Promise<NomadExecStream>;

/** Chunk size for in-memory data: small enough to keep memory flat, large enough to fill frames. */
const CHUNK = 64 * 1024;
/** Keep at most this much stderr for error messages. */
const STDERR_KEEP = 4096;

/** mkdir -p the parent, then `cat > "$1"`; "$2", when given, is the octal mode to chmod. */
export const WRITE_SCRIPT = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1" && { [ -z "$2" ] || chmod -- "$2" "$1"; }';

function collectStderr(stream: Readable): () => string {
  let text = "";
  stream.on("data", (d: Buffer) => {
    if (text.length < STDERR_KEEP) text += d.toString("utf8");
  });
  return () => text.trim().slice(0, STDERR_KEEP);
}

/** Turns a failed `cat`/`mkdir`'s stderr into the core error it means. */
export function fileError(op: "read" | "write", path: string, where: string, exitCode: number, stderr: string): AgentkernelError {
  const said = stderr ? ` (${stderr})` : ` (exit ${exitCode})`;
  const opts = { backend: "nomad" };
  const shown = JSON.stringify(path);
  if (/no such file or directory/i.test(stderr)) return new NotFoundError(`${shown} does not exist in ${where}${said}`, opts);
  if (/is a directory/i.test(stderr))
    return new InvalidInputError(`${shown} in ${where} is a directory; give a file path${said}`, opts);
  if (/not a directory/i.test(stderr))
    return new InvalidInputError(`a parent of ${shown} in ${where} is not a directory${said}`, opts);
  if (/permission denied|read-only file system|operation not permitted/i.test(stderr)) {
    return new PermissionDeniedError(
      `cannot ${op} ${shown} in ${where}${said}; pick a writable path such as /tmp or /local`,
      opts,
    );
  }
  return new InternalError(`${op} of ${shown} in ${where} failed${said}`, opts);
}

/** Streams `data` into `path` with bounded memory; parents are created. */
export async function writeSandboxFile(
  start: StartExec,
  where: string,
  rawPath: string,
  data: Uint8Array | string | Readable,
  options: { mode?: number; signal?: AbortSignal },
): Promise<void> {
  const path = validateSandboxPath(rawPath);
  if (options.mode !== undefined && (!Number.isInteger(options.mode) || options.mode < 0 || options.mode > 0o7777)) {
    throw new InvalidInputError("mode: must be permission bits between 0 and 0o7777");
  }
  if (options.signal?.aborted) throw new AbortedError(`write to ${where}: aborted`, { backend: "nomad" });
  const mode = options.mode === undefined ? "" : options.mode.toString(8);
  const stream = await start(["sh", "-c", WRITE_SCRIPT, "sh", path, mode]);
  const stderr = collectStderr(stream.stderr);
  stream.stdout.resume();
  const onAbort = () => stream.close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  // A failing source must not leave `cat` waiting for EOF: close the session and report the source's error.
  let sourceError: unknown;
  const feed = async () => {
    if (data instanceof Readable) {
      const chunks = data[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await chunks.next();
        } catch (err) {
          sourceError = err;
          stream.close();
          return;
        }
        if (next.done) break;
        const chunk = next.value;
        await stream.writeStdin(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array));
      }
    } else {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let at = 0; at < bytes.byteLength; at += CHUNK) await stream.writeStdin(bytes.subarray(at, at + CHUNK));
    }
    stream.closeStdin();
  };
  try {
    const fed = feed();
    fed.catch(() => undefined);
    const exitCode = await stream.exitCode.catch((err: unknown) => {
      if (sourceError === undefined) throw err;
      return -1;
    });
    if (sourceError !== undefined) {
      const message = sourceError instanceof Error ? sourceError.message : String(sourceError);
      throw new InvalidInputError(`write to ${where}: the data stream for ${JSON.stringify(path)} failed: ${message}`, {
        backend: "nomad",
        cause: sourceError,
      });
    }
    await fed;
    if (exitCode !== 0) throw fileError("write", path, where, exitCode, stderr());
  } catch (err) {
    stream.close();
    if (options.signal?.aborted) throw new AbortedError(`write to ${where}: aborted`, { backend: "nomad", cause: err });
    throw err;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Streams `path`'s bytes. Resolves once the first byte (or the end) is known, so a missing file is a
 * NotFoundError here rather than a stream error later. The returned stream ends only after `cat` exited 0.
 */
export async function readSandboxFile(
  start: StartExec,
  where: string,
  rawPath: string,
  options: { signal?: AbortSignal },
): Promise<Readable> {
  const path = validateSandboxPath(rawPath);
  if (options.signal?.aborted) throw new AbortedError(`read from ${where}: aborted`, { backend: "nomad" });
  const stream = await start(["cat", "--", path]);
  stream.closeStdin();
  const stderr = collectStderr(stream.stderr);
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const onAbort = () => {
    stream.close();
    out.destroy(new AbortedError(`read from ${where}: aborted`, { backend: "nomad" }));
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  out.on("close", () => {
    options.signal?.removeEventListener("abort", onAbort);
    if (!out.writableFinished) stream.close();
  });
  const exited = stream.exitCode.then(
    (code) => ({ code }),
    (err: unknown) => ({ err }),
  );
  const stdoutEnded = new Promise<void>((resolve) => stream.stdout.once("end", () => resolve()));
  stream.stdout.pipe(out, { end: false });
  // Wait for the first byte or the exit, whichever comes first (the data listener sits beside the pipe).
  const firstData = new Promise<"data">((resolve) => stream.stdout.once("data", () => resolve("data")));
  const first = await Promise.race([firstData, exited.then(() => "exit" as const)]);
  if (first === "exit") {
    const result = await exited;
    const failure =
      "err" in result
        ? CoreError.isInstance(result.err)
          ? result.err
          : new InternalError(String(result.err))
        : result.code !== 0
          ? fileError("read", path, where, result.code, stderr())
          : undefined;
    if (failure) {
      out.destroy();
      throw failure;
    }
  }
  void exited.then(async (result) => {
    if ("err" in result) {
      out.destroy(CoreError.isInstance(result.err) ? result.err : new InternalError(String(result.err)));
      return;
    }
    if (result.code !== 0) {
      out.destroy(fileError("read", path, where, result.code, stderr()));
      return;
    }
    if (!stream.stdout.readableEnded) await stdoutEnded;
    out.end();
  });
  return out;
}
