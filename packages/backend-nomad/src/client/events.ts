// /v1/event/stream: Nomad's NDJSON event stream, filtered by topic and key.
import type { Transport } from "./http.js";
import { scopeParams } from "./params.js";
import { decodeNdjson, isHeartbeat } from "./frames.js";
import { guardStream } from "./streaming.js";
import type { EventFrame } from "./types.js";

/** Which events to follow. Topics map to keys: `{ Job: ["*"], Allocation: ["<jobID>"] }` (`*` = all keys). */
export interface EventStreamOptions {
  topics: Record<string, string[]>;
  /** Start at the first buffered event with Index ≥ this (inclusive); resume with lastIndex + 1 and de-duplicate. */
  index?: number;
  namespace?: string;
  region?: string;
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive. */
  timeoutMs?: number;
}

/** Event-stream endpoint, named after Nomad's Go `api.EventStream`. */
export class Events {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /**
   * Streams event frames until `signal` aborts or the server ends the stream. Heartbeats are skipped.
   * Topics are always named: a bare stream needs a management token. Needs `read-job` for Job/Allocation/Evaluation.
   */
  async *stream(opts: EventStreamOptions): AsyncIterable<EventFrame> {
    const params = new URLSearchParams();
    for (const [topic, keys] of Object.entries(opts.topics)) {
      for (const key of keys.length > 0 ? keys : ["*"]) params.append("topic", `${topic}:${key}`);
    }
    if (opts.index !== undefined && opts.index > 0) params.set("index", String(opts.index));
    scopeParams(params, opts, this.#t.defaults);
    const namespace = opts.namespace ?? this.#t.defaults.namespace;
    const res = await this.#t.stream({
      method: "GET",
      path: "/v1/event/stream",
      params,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      idempotent: true,
      context: { action: "follow the event stream", capability: "read-job", ...(namespace ? { namespace } : {}) },
    });
    for await (const frame of guardStream(res.body, decodeNdjson, "event stream", opts.signal)) {
      if (isHeartbeat(frame)) continue;
      const f = frame as Partial<EventFrame>;
      if (!f.Index && (!f.Events || f.Events.length === 0)) continue;
      yield { Index: f.Index ?? 0, Events: f.Events ?? [] };
    }
  }
}
