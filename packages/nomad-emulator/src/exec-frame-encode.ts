/** Encodes exec output data frames (`{"stdout":{"data":"<base64>"}}`) straight into bytes, many frames per buffer. */

const SUFFIX = Buffer.from('"}}');
const PREFIXES = {
  stdout: Buffer.from('{"stdout":{"data":"'),
  stderr: Buffer.from('{"stderr":{"data":"'),
} as const;

/** The JSON text of each frame, as slices of one shared buffer (in order). */
export interface EncodedFrames {
  frames: Buffer[];
  /** The buffer the frames are slices of. */
  buffer: Buffer;
  /** Total bytes of all frames. */
  bytes: number;
}

/**
 * Splits `data` into frames of at most `chunkSize` raw bytes and writes their JSON text back to back into one buffer.
 * The text is byte for byte what `JSON.stringify({ [name]: { data: base64 } })` gives (base64 needs no escaping), but
 * costs one allocation per pipe read instead of an object, a stringify and a string-to-bytes conversion per frame.
 * `into` may supply the buffer (at least `bytes` long), e.g. a reused one from a SlabPool.
 */
export function encodeDataFrames(
  name: "stdout" | "stderr",
  data: Buffer,
  chunkSize: number,
  into?: (bytes: number) => Buffer,
): EncodedFrames {
  const prefix = PREFIXES[name];
  const overhead = prefix.length + SUFFIX.length;
  const count = Math.ceil(data.length / chunkSize);
  const fullText = overhead + base64Length(chunkSize);
  const lastRaw = data.length - (count - 1) * chunkSize;
  const bytes = count === 0 ? 0 : (count - 1) * fullText + overhead + base64Length(lastRaw);
  const out = into?.(bytes) ?? Buffer.allocUnsafe(bytes);
  const frames: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < data.length; i += chunkSize) {
    const start = off;
    off += prefix.copy(out, off);
    // toString('base64') is native; writing its one-byte string as latin1 is a plain copy.
    off += out.write(data.toString("base64", i, Math.min(i + chunkSize, data.length)), off, "latin1");
    off += SUFFIX.copy(out, off);
    frames.push(out.subarray(start, off));
  }
  return { frames, buffer: out, bytes };
}

/** Length of the padded base64 text of `n` bytes. */
function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/** Encoded bytes of one 64 KiB pipe read: 16 frames of 4096 (87,776 bytes) or 64 of 1024 (88,960 bytes). */
const SLAB = 96 * 1024;
/** Slabs kept for reuse; the pump's 1 MiB high-water mark keeps about a dozen in flight. */
const MAX_FREE = 16;

/**
 * Reuses output buffers of one session. A fresh ~88 KB buffer per pipe read made the allocator hand pages back
 * and fault them in again on every read; reusing them halved the emulator's CPU per streamed byte (bench P4).
 * A slab goes back only once the socket has written it.
 */
export class SlabPool {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `bytes`: a slab when one fits, else a one-off allocation. */
  take(bytes: number): Buffer {
    if (bytes > SLAB) return Buffer.allocUnsafe(bytes);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(SLAB);
  }

  /** Returns a buffer `take` gave once nothing will read it any more (one-off allocations are left to the GC). */
  give(buf: Buffer): void {
    if (buf.length === SLAB && this.free.length < MAX_FREE) this.free.push(buf);
  }
}
