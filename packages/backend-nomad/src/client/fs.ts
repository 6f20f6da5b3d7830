// /v1/client/fs/*: the allocation directory (not the container filesystem) and task logs.
import { Readable } from "node:stream";
import { decodeConcatenatedJson, isHeartbeat } from "./frames.js";
import type { Transport } from "./http.js";
import { type QueryOptions, type QueryResponse, queryParams, seg } from "./params.js";
import { query, withNamespace } from "./request.js";
import type { BodyKind } from "./response.js";
import { guardStream } from "./streaming.js";
import type { AllocFileInfo } from "./types.js";

/** What to read from a task's log. `follow` keeps the stream open; resume with `offset` + `origin: "start"`. */
export interface LogsOptions {
  task: string;
  type: "stdout" | "stderr";
  follow?: boolean;
  offset?: number;
  /** `end` with `offset: N` = the last N bytes. */
  origin?: "start" | "end";
  signal?: AbortSignal;
  namespace?: string;
  timeoutMs?: number;
}

/** One decoded log frame. `offset` is the file position just after `data`. */
export interface LogFrame {
  offset: number;
  data: Uint8Array;
  file?: string;
  /** "file deleted" or "file truncated"; such frames carry no data. */
  fileEvent?: string;
}

interface RawFrame {
  Offset?: number;
  Data?: string;
  File?: string;
  FileEvent?: string;
}

async function* bytes(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield chunk as Buffer;
}

/** Alloc filesystem endpoints, named after Nomad's Go `api.AllocFS`. Paths are relative to the alloc dir. */
export class Fs {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Lists a directory of the allocation dir (`/`, `alloc/logs`, `<task>/local`…). */
  ls(allocId: string, path: string, q: QueryOptions = {}): Promise<QueryResponse<AllocFileInfo[]>> {
    return this.#query(`/v1/client/fs/ls/${seg(allocId)}`, path, q, `list ${path} in allocation ${allocId}`, "array");
  }

  /** Stats one file of the allocation dir. */
  stat(allocId: string, path: string, q: QueryOptions = {}): Promise<QueryResponse<AllocFileInfo>> {
    return this.#query(`/v1/client/fs/stat/${seg(allocId)}`, path, q, `stat ${path} in allocation ${allocId}`, "object");
  }

  /** Streams a whole file of the allocation dir (back-pressured). */
  cat(allocId: string, path: string, q: QueryOptions = {}): Promise<Readable> {
    return this.#raw(`/v1/client/fs/cat/${seg(allocId)}`, { path }, q, `read ${path} in allocation ${allocId}`);
  }

  /** Streams `limit` bytes from `offset` (`limit` ≤ 0 = to the end). */
  readAt(allocId: string, path: string, offset: number, limit: number, q: QueryOptions = {}): Promise<Readable> {
    const params = { path, offset: String(offset), limit: String(limit) };
    return this.#raw(`/v1/client/fs/readat/${seg(allocId)}`, params, q, `read ${path} in allocation ${allocId}`);
  }

  /** Streams a task's stdout or stderr as decoded frames; heartbeats are skipped. Needs `read-logs` or `read-fs`. */
  async *logs(allocId: string, opts: LogsOptions): AsyncIterable<LogFrame> {
    const params: Record<string, string> = { task: opts.task, type: opts.type, follow: String(opts.follow === true) };
    if (opts.offset !== undefined) params.offset = String(opts.offset);
    if (opts.origin) params.origin = opts.origin;
    const q: QueryOptions = { params, signal: opts.signal, namespace: opts.namespace, timeoutMs: opts.timeoutMs };
    const what = `read ${opts.type} of task ${opts.task} in allocation ${allocId}`;
    const res = await this.#t.stream({
      method: "GET",
      path: `/v1/client/fs/logs/${seg(allocId)}`,
      params: queryParams(q, this.#t.defaults),
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      idempotent: true,
      context: withNamespace(this.#t, q, { action: what, capability: "read-logs", resource: `allocation "${allocId}"` }),
    });
    let offset = opts.origin === "end" ? 0 : (opts.offset ?? 0);
    for await (const frame of guardStream(res.body, decodeConcatenatedJson, what, opts.signal)) {
      if (isHeartbeat(frame)) continue;
      const f = frame as RawFrame;
      if (f.Offset !== undefined) offset = f.Offset;
      const out: LogFrame = { offset, data: f.Data ? Buffer.from(f.Data, "base64") : new Uint8Array(0) };
      if (f.File) out.file = f.File;
      if (f.FileEvent) out.fileEvent = f.FileEvent;
      yield out;
    }
  }

  #query<T>(path: string, file: string, q: QueryOptions, action: string, kind: BodyKind): Promise<QueryResponse<T>> {
    const fields = { Name: "string", IsDir: "boolean", Size: "number" } as const;
    return query(
      this.#t,
      path,
      { ...q, params: { ...q.params, path: file } },
      { action, capability: "read-fs" },
      { kind, fields },
    );
  }

  async #raw(path: string, extra: Record<string, string>, q: QueryOptions, action: string): Promise<Readable> {
    const qp: QueryOptions = { ...q, params: { ...q.params, ...extra } };
    const res = await this.#t.stream({
      method: "GET",
      path,
      params: queryParams(qp, this.#t.defaults),
      signal: q.signal,
      timeoutMs: q.timeoutMs,
      idempotent: true,
      context: withNamespace(this.#t, q, { action, capability: "read-fs" }),
    });
    return Readable.from(guardStream(res.body, bytes, action, q.signal), { objectMode: false });
  }
}
