/** Merges a task's stdout and stderr log streams (Nomad's /v1/client/fs/logs) into core LogChunks. */
import type { LogChunk } from "@agentkernel/core";
import type { LogFrame } from "./client/index.js";

type Source = { stream: LogChunk["stream"]; frames: AsyncIterable<LogFrame> };

/** Yields chunks from both sources as they arrive; ends when both end; the first error wins. */
export async function* mergeLogs(sources: Source[]): AsyncGenerator<LogChunk> {
  const iterators = sources.map((s) => ({ stream: s.stream, it: s.frames[Symbol.asyncIterator]() }));
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<LogFrame> }>>();
  const pull = (i: number) => {
    const entry = iterators[i];
    if (entry)
      pending.set(
        i,
        entry.it.next().then((r) => ({ i, r })),
      );
  };
  iterators.forEach((_, i) => {
    pull(i);
  });
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pull(i);
      const source = iterators[i];
      if (source && r.value.data.byteLength > 0) yield { stream: source.stream, data: r.value.data };
    }
  } finally {
    for (const { it } of iterators) void it.return?.();
  }
}
