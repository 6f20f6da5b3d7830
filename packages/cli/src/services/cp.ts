/** cp: streams a file between this machine and a sandbox (`NAME:/path` on exactly one side), binary-safe, any size. */
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AgentkernelError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  SANDBOX_NAME_PATTERN,
  validateSandboxPath,
} from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { OutputClosedError, writable } from "./stream-io.js";

/** One side of a copy. `-` is stdin (as source) or stdout (as destination). */
export type CpOperand = { kind: "sandbox"; name: string; path: string } | { kind: "local"; path: string };

/** `NAME:/abs/path` is a sandbox path; anything else (including `./a:b`) is a local path. */
export function parseCpOperand(text: string): CpOperand {
  const colon = text.indexOf(":");
  if (colon > 0) {
    const name = text.slice(0, colon);
    const path = text.slice(colon + 1);
    if (SANDBOX_NAME_PATTERN.test(name) && path.startsWith("/"))
      return { kind: "sandbox", name, path: validateSandboxPath(path) };
    if (SANDBOX_NAME_PATTERN.test(name) && path !== "" && !text.startsWith("./")) {
      throw new InvalidInputError(`${JSON.stringify(text)}: the sandbox path must be absolute, e.g. ${name}:/tmp/${path}`);
    }
  }
  if (text === "") throw new InvalidInputError("cp: an empty path; give a file path or NAME:/path");
  return { kind: "local", path: text };
}

/** What was copied. */
export interface CpResult {
  from: string;
  to: string;
  bytes: number;
}

/** Local filesystem errors become core errors that name the path and the fix (they are the user's to fix). */
export function localFsError(error: unknown, path: string): unknown {
  if (AgentkernelError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT")
    return new NotFoundError(`${path}: no such file or directory on this machine; check the path`, { cause: error });
  if (code === "EACCES" || code === "EPERM") {
    return new PermissionDeniedError(`${path}: permission denied on this machine; check the file's permissions`, {
      cause: error,
    });
  }
  if (code === "EISDIR") return new InvalidInputError(`${path}: is a directory; cp copies single files`, { cause: error });
  return error;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

// Counts bytes as they pass, so the result reports what actually went through.
function counter(): { stream: (source: Readable) => AsyncGenerator<Buffer>; total: () => number } {
  let total = 0;
  return {
    stream: async function* (source: Readable) {
      for await (const chunk of source) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        total += buf.length;
        yield buf;
      }
    },
    total: () => total,
  };
}

/** Copies SRC to DEST. `stdin`/`stdout` serve the `-` operand. */
export async function copyFiles(
  ctx: CliContext,
  src: string,
  dest: string,
  io: { stdin: Readable; stdout: Writable },
): Promise<CpResult> {
  try {
    return await copy(ctx, src, dest, io);
  } catch (error) {
    const local = [src, dest].find((p) => parseCpOperandSafe(p)?.kind === "local") ?? src;
    throw localFsError(error, local);
  }
}

function parseCpOperandSafe(text: string): CpOperand | undefined {
  try {
    return parseCpOperand(text);
  } catch {
    return undefined;
  }
}

async function copy(ctx: CliContext, src: string, dest: string, io: { stdin: Readable; stdout: Writable }): Promise<CpResult> {
  const from = parseCpOperand(src);
  const to = parseCpOperand(dest);
  if ((from.kind === "sandbox") === (to.kind === "sandbox")) {
    throw new InvalidInputError(
      "cp: give NAME:/path on exactly one side, e.g. agentkernel cp ./data.bin my-sandbox:/tmp/data.bin",
    );
  }
  const signal = ctx.operationOptions;
  const count = counter();
  if (to.kind === "sandbox" && from.kind === "local") {
    // stat first: a missing or unreadable local file fails before any stream or backend call exists.
    const info = from.path === "-" ? undefined : await stat(from.path);
    if (info?.isDirectory()) throw new InvalidInputError(`${from.path}: is a directory; cp copies single files`);
    const mode = info ? info.mode & 0o777 : undefined;
    const { backend } = await ctx.backendFor(to.name);
    const source = from.path === "-" ? io.stdin : createReadStream(from.path);
    const path = to.path.endsWith("/") || dest.endsWith("/") ? posix.join(to.path, basename(from.path)) : to.path;
    await backend.writeFile(to.name, path, Readable.from(count.stream(source)), {
      ...signal,
      ...(mode !== undefined ? { mode } : {}),
    });
    return { from: src, to: `${to.name}:${path}`, bytes: count.total() };
  }
  if (from.kind !== "sandbox" || to.kind !== "local") throw new InvalidInputError("cp: unreachable operand combination");
  const { backend } = await ctx.backendFor(from.name);
  const remote = await backend.readFile(from.name, from.path, signal);
  if (to.path === "-") {
    const sink = new Writable({
      write: (chunk, _e, cb) => {
        if (io.stdout.destroyed) cb(new OutputClosedError(undefined));
        else if (io.stdout.write(chunk)) cb();
        else void writable(io.stdout).then(() => cb());
      },
    });
    // A reader that stops early (`| head -c 100`) ends the copy; that is its choice, not an error.
    await pipeline(remote, count.stream, sink).catch((error: unknown) => {
      if (!(error instanceof OutputClosedError)) throw error;
    });
    return { from: src, to: "-", bytes: count.total() };
  }
  const target = (await isDirectory(to.path)) ? join(to.path, posix.basename(from.path)) : to.path;
  // Write beside the target and rename at the end, so a failed copy never leaves a truncated file in its place.
  const partial = `${target}.agentkernel-partial-${process.pid}`;
  try {
    await pipeline(remote, count.stream, createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { from: src, to: target, bytes: count.total() };
}
