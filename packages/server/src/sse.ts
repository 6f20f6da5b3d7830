/** Server-Sent Events: JSON events written as they happen (back-pressured), heartbeats, and a signal for hang-ups. */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "./server-context.js";
import { anySignal } from "./shutdown.js";

/** Sends one event; resolves once the chunk is handed to the socket's queue. */
export type SendEvent = (event: string, data: unknown) => Promise<void>;

/** What an SSE handler receives. */
export interface SseChannel {
  send: SendEvent;
  /** Aborted when the client hangs up or the server shuts down. */
  signal: AbortSignal;
}

/** Proxies drop idle connections; a comment line every 15 s keeps a quiet stream (a long command) alive. */
const HEARTBEAT_MS = 15_000;

/**
 * Answers with `text/event-stream` and runs `handler`. Each `send` writes `event:`/`data:`/`id:` at once, so
 * events reach the client as they happen, not when the handler ends. A handler error must already be turned into
 * an `error` event by the handler; anything left is logged and the stream ends.
 */
export function sseResponse(c: Context<AppEnv>, handler: (channel: SseChannel) => Promise<void>): Response {
  const log = c.get("log");
  const requestSignal = c.get("signal");
  c.header("X-Accel-Buffering", "no"); // nginx would otherwise buffer the whole stream
  return streamSSE(c, async (stream) => {
    const hangup = new AbortController();
    stream.onAbort(() => hangup.abort(new Error("client closed the event stream")));
    const linked = anySignal([requestSignal, hangup.signal]);
    const signal = linked.signal;
    let id = 0;
    const heartbeat = setInterval(() => {
      if (!stream.closed && !stream.aborted) stream.write(": keep-alive\n\n").catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const send: SendEvent = async (event, data) => {
      if (stream.closed || stream.aborted) return;
      await stream.writeSSE({ event, data: JSON.stringify(data), id: String(++id) });
    };
    try {
      await handler({ send, signal });
    } catch (error) {
      log.error({ err: error }, "event stream handler failed");
    } finally {
      clearInterval(heartbeat);
      linked.dispose();
    }
  });
}
