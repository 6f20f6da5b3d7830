/** Stream plumbing for exec, logs and cp: back-pressured copies that never end the CLI's own stdout/stderr. */
import { type Readable, Writable } from "node:stream";

/** The local reader went away (EPIPE, e.g. `| head -1`): the CLI then behaves as a command killed by SIGPIPE. */
export class OutputClosedError extends Error {
  constructor(cause: unknown) {
    super("the output was closed by its reader", { cause });
    this.name = "OutputClosedError";
  }
}

/** Resolves on drain, or when the stream closes or fails (a dead pipe never drains). */
export function writable(to: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      to.off("drain", done);
      to.off("close", done);
      to.off("error", done);
      resolve();
    };
    to.on("drain", done);
    to.on("close", done);
    to.on("error", done);
  });
}

/**
 * Copies `from` into `to`, waiting for `drain` when `to` is full; `to` is left open (it may be process.stdout).
 * Throws OutputClosedError when `to` fails or is destroyed underneath (and stops reading `from`).
 */
export async function copyInto(from: Readable, to: Writable): Promise<void> {
  let broken: unknown;
  const onError = (error: unknown) => {
    broken ??= error;
  };
  to.on("error", onError);
  try {
    for await (const chunk of from) {
      if (broken !== undefined || to.destroyed) break;
      if (!to.write(chunk)) await writable(to);
    }
  } finally {
    to.off("error", onError);
  }
  if (broken !== undefined || to.destroyed) {
    from.destroy();
    throw new OutputClosedError(broken);
  }
}

/** A Writable that keeps everything written to it (for --json, which prints output as strings). */
export class CollectingWritable extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    callback();
  }

  /** Everything written so far. */
  get buffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
