/** logs() for the reference backend: the sandbox's lifecycle log, optionally followed by polling. */
import { open } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { LogChunk, LogsOptions } from "@agentkernel/core";

const POLL_MS = 100;

/**
 * Yields the log file's bytes as stdout chunks. With `follow`, keeps polling for growth until the
 * signal aborts (then ends quietly) or the file disappears (the sandbox was removed).
 */
export async function* followLog(resolvePath: () => Promise<string>, options: LogsOptions = {}): AsyncGenerator<LogChunk> {
  const path = await resolvePath();
  let offset = 0;
  for (;;) {
    const handle = await open(path, "r").catch(() => undefined);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size > offset) {
        const data = new Uint8Array(size - offset);
        const { bytesRead } = await handle.read(data, 0, data.length, offset);
        offset += bytesRead;
        if (bytesRead > 0) yield { stream: "stdout", data: data.subarray(0, bytesRead) };
      }
    } finally {
      await handle.close();
    }
    if (!options.follow || options.signal?.aborted) return;
    try {
      await delay(POLL_MS, undefined, { signal: options.signal });
    } catch {
      return; // Aborted while waiting: following ends quietly, as LogsOptions allows.
    }
  }
}
