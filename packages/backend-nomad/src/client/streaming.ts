// Shared plumbing for long-lived HTTP bodies: turn socket failures and aborts into core errors, always free the socket.
import type { Readable } from "node:stream";
import { AbortedError, StreamInterruptedError } from "@agentkernel/core";

/**
 * Yields the decoded frames of `body`; the socket is destroyed when the consumer stops early.
 * A failure mid-stream is StreamInterruptedError, or AbortedError when `signal` fired.
 */
export async function* guardStream<T>(
  body: Readable,
  decode: (source: AsyncIterable<unknown>) => AsyncGenerator<T>,
  what: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  try {
    yield* decode(body);
  } catch (err) {
    if (signal?.aborted) throw new AbortedError(`${what}: aborted by the caller`, { backend: "nomad", cause: err });
    throw new StreamInterruptedError(
      `${what}: the stream from Nomad broke off (${(err as Error).message}); resume from the last offset/index`,
      {
        backend: "nomad",
        cause: err,
      },
    );
  } finally {
    body.destroy();
  }
}
