/** Small helpers the cases share: reading streams, running a command, expecting a core error. */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { AgentkernelError, collectExec, type ErrorCode, type ExecRequest, type ExecResult } from "@agentkernel/core";
import type { CaseContext } from "./conformance-case.js";

/** Reads a stream to the end into one Buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Streams `stream` through sha256 and counts bytes, without holding it in memory. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Runs `request` in `sandbox` and collects its output and exit code. */
export async function run(ctx: CaseContext, sandbox: string, request: ExecRequest): Promise<ExecResult> {
  return collectExec(await ctx.backend.exec(sandbox, request));
}

/** Buffer holding every byte value 0..255 once, in order. */
export function allBytes(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => i));
}

/**
 * Awaits `action` and returns the core error it rejected with, failing (with a message naming
 * `what`) when it resolves, rejects with a non-core error, or rejects with another code.
 */
export async function expectCoreError(
  action: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
  what: string,
): Promise<AgentkernelError> {
  let outcome: { ok: true } | { ok: false; error: unknown };
  try {
    const value = await (typeof action === "function" ? action() : action);
    // An unexpected success may hand back a stream (readFile); close it so no descriptor leaks.
    if (value instanceof Readable) value.destroy();
    outcome = { ok: true };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) throw new Error(`${what}: expected a ${code} error, but it succeeded`);
  const { error } = outcome;
  if (!AgentkernelError.isInstance(error)) {
    throw new Error(
      `${what}: expected a ${code} core error, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (error.code !== code)
    throw new Error(`${what}: expected code ${code}, got ${error.code} (${error.message})`, { cause: error });
  return error;
}

/** Resolves once `stream` has produced output containing `needle` (or rejects when it ends first). */
export function waitForOutput(stream: Readable, needle: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (seen.includes(needle)) {
        cleanup();
        resolve(seen);
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended before printing ${JSON.stringify(needle)}; got ${JSON.stringify(seen.slice(-200))}`));
    };
    const cleanup = (): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onEnd);
      // Stop flowing so later readers (for await) get what comes next instead of it being dropped.
      stream.pause();
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onEnd);
  });
}

/** Resolves when `stream` has ended (draining whatever is left). */
export async function drained(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // Draining so the stream can reach its end.
  }
}

/** A fresh absolute directory path inside the sandbox for one case (created by the first writeFile into it). */
export function scratchDir(label: string): string {
  return `/tmp/akc-${label}-${randomBytes(4).toString("hex")}`;
}
