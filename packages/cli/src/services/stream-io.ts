/** Stream plumbing for exec, logs and cp: back-pressured copies that never end the CLI's own stdout/stderr. */
import { once } from "node:events";
import { type Readable, Writable } from "node:stream";

/** Copies `from` into `to`, waiting for `drain` when `to` is full; `to` is left open (it may be process.stdout). */
export async function copyInto(from: Readable, to: Writable): Promise<void> {
  for await (const chunk of from) {
    if (!to.write(chunk)) await once(to, "drain");
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
