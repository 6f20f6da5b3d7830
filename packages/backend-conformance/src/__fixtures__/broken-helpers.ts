// Helpers for the deliberately broken backends: the Breakage shape and wrappers that bend exec and streams.
import { Readable } from "node:stream";
import type { Backend, ExecRequest, ExecSession } from "@agentkernel/core";

/** One breakage: the case it must make fail, and what the failure message must mention. */
export interface Breakage {
  bug: string;
  caseId: string;
  /** The failure must match this, so the case fails for the bug and not for something unrelated. */
  expect: RegExp;
  wrap: (backend: Backend) => Backend;
}

/** Wraps exec so every session passes through `map`. */
export function mapSession(backend: Backend, map: (session: ExecSession, request: ExecRequest) => ExecSession): Backend {
  return { ...backend, exec: async (name, request) => map(await backend.exec(name, request), request) };
}

/** Wraps exec so every request passes through `map` first. */
export function mapRequest(backend: Backend, map: (request: ExecRequest) => ExecRequest): Backend {
  return { ...backend, exec: (name, request) => backend.exec(name, map(request)) };
}

/** A Readable that yields `stream`'s bytes after passing them through `transform` as one buffer. */
export function transformed(stream: Readable, transform: (all: Buffer) => Buffer): Readable {
  return Readable.from(
    (async function* () {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      yield transform(Buffer.concat(chunks));
    })(),
  );
}
