/** logs(): the init process's stdout/stderr files, read once or followed by polling until the signal aborts. */
import { open } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { LogChunk } from "@agentkernel/core";

const POLL_MS = 200;
const CHUNK_BYTES = 64 * 1024;

/** Reads what was appended to `path` since `offset`; returns the chunks and the new offset. */
async function readFrom(path: string, offset: number): Promise<{ chunks: Uint8Array[]; offset: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch {
    return { chunks: [], offset };
  }
  const chunks: Uint8Array[] = [];
  // One read buffer per call: each chunk is copied out of it, so it can be reused.
  const buffer = Buffer.alloc(CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
      if (bytesRead === 0) break;
      chunks.push(new Uint8Array(buffer.subarray(0, bytesRead)));
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { chunks, offset };
}

/** Yields the log files' contents; with `follow`, keeps polling for more until `signal` aborts. */
export async function* readLogs(
  files: { stdout: string; stderr: string },
  options: { follow?: boolean; signal?: AbortSignal },
): AsyncGenerator<LogChunk> {
  const offsets = { stdout: 0, stderr: 0 };
  for (;;) {
    for (const stream of ["stdout", "stderr"] as const) {
      const next = await readFrom(files[stream], offsets[stream]);
      offsets[stream] = next.offset;
      for (const data of next.chunks) yield { stream, data };
    }
    if (!options.follow || options.signal?.aborted) return;
    try {
      await delay(POLL_MS, undefined, { signal: options.signal });
    } catch {
      return; // aborted: a follow ends quietly
    }
  }
}
